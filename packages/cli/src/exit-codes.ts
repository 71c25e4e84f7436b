/** The CLI's exit codes; the README lists them. */
export const exitCodes = {
  ok: 0,
  /** `check`: the container answered but is not healthy. */
  unhealthy: 1,
  /**
   * The database could not be reached or opened (`incidents`, `db migrate`, `run` on SQLite):
   * not a usage mistake, worth retrying. Printed as one line naming the redacted URL or file.
   */
  databaseUnavailable: 1,
  /** `notify test`: at least one destination did not take the message. */
  notificationFailed: 1,
  /** A user mistake: bad arguments, invalid config, unknown container, no engine. */
  usage: 2,
  /**
   * `run`: another agent holds this Docker engine (one agent acts per engine); stderr names it
   * (host, pid, start time, store, where the lease is). Also when this agent loses the engine to
   * another while running. `--standby` waits instead.
   */
  engineHeld: 3,
  /** A second SIGINT/SIGTERM while stopping (128 + SIGINT). */
  interrupted: 130,
} as const;
