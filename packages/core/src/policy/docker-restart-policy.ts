import type { RestartPolicy } from '../domain/container.js';

/**
 * Whether Docker's own restart policy will bring a container that just died back by itself, so
 * we wait `restart_policy_grace_seconds` before acting instead of racing the daemon.
 *
 * Mirrors moby's `restartmanager.ShouldRestart` plus the kill path around it:
 * - `no` (or empty): never.
 * - `always`, `unless-stopped`: whatever the exit code.
 * - `on-failure[:N]`: exit code != 0, and N = 0 (no limit) or Docker's restart count < N.
 * - After `docker stop` / `docker kill` the daemon cancels its restart manager, so no policy
 *   restarts a container a person stopped.
 * Docker then waits 100 ms doubling to a 1 min cap (reset after 10 s of running) before each
 * restart, which the grace period has to cover.
 */
export function expectDockerRestart(input: {
  readonly restartPolicy: RestartPolicy;
  /** The exit code of the die; null when unknown (it never ran). */
  readonly exitCode: number | null;
  /** Docker's own count of policy restarts (`RestartCount` from inspect). */
  readonly restartCount: number;
  /** The die came from a person's stop or kill. */
  readonly stoppedByOperator: boolean;
}): boolean {
  if (input.stoppedByOperator) return false;
  switch (input.restartPolicy.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      if (input.exitCode === null || input.exitCode === 0) return false;
      const limit = input.restartPolicy.maximumRetryCount;
      return limit <= 0 || input.restartCount < limit;
    }
    default:
      return false;
  }
}
