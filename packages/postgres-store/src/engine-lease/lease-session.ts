import type pg from 'pg';

/** A connection of the leases' own (never one of the store's pool): the session advisory locks live in. */
export interface LeaseConnection {
  readonly client: pg.ClientBase;
  /** Ends the connection, and with it the session and every lock it holds. */
  close(): Promise<void>;
}

/**
 * How soon the server drops a lease connection whose client went silent (a network partition, a
 * frozen host): keepalive probes after 4 s of silence, one a second, two unanswered ones end it,
 * and unacknowledged data ends it after 6 s. So the lock of a holder that vanished is free again
 * within about 6 s. A holder stops acting well before: it counts its lease valid for 4 s after
 * each verification (`engineLeaseValidForMs`), and the server never drops it sooner than 6 s
 * after the last traffic, which that verification was.
 */
const sessionSettings: readonly (readonly [name: string, value: string])[] = [
  ['tcp_keepalives_idle', '4'],
  ['tcp_keepalives_interval', '1'],
  ['tcp_keepalives_count', '2'],
  ['tcp_user_timeout', '6000'],
  // A statement waiting on another session's lock (a holder whose transaction froze) gives up.
  ['lock_timeout', '3000'],
  ['statement_timeout', '5000'],
];

/** How long a verified lease is certainly still ours: less than the server's 6 s to drop a silent session. */
export const engineLeaseValidForMs = 4_000;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One session for one engine and one holder: the connection its advisory locks live in. It says,
 * once and synchronously, when the connection ended (the server terminated it, the network
 * failed, a query got no answer in time): from that moment the server holds none of its locks.
 */
export class LeaseSession {
  /** Holds the engine's exclusive lease lock (as far as this session last knew). */
  locked = false;
  readonly #connection: LeaseConnection;
  readonly #listeners = new Set<(reason: string) => void>();
  #endedBecause: string | undefined;
  #closed = false;

  private constructor(connection: LeaseConnection) {
    this.#connection = connection;
    const { client } = connection;
    client.on('error', (error: Error) => this.#end(describeError(error)));
    client.on('end', () => this.#end('the connection closed'));
  }

  /**
   * Connects and sets the session up; a setting this server does not know is left out. `purpose`
   * names it in `pg_stat_activity` (`website-monitor engine lease`, `website-monitor engine standby`).
   */
  static async open(
    connect: () => Promise<LeaseConnection>,
    timeoutMs: number,
    purpose: 'lease' | 'standby',
  ): Promise<LeaseSession> {
    const session = new LeaseSession(await connect());
    try {
      const settings = [
        ['application_name', `website-monitor engine ${purpose}`] as const,
        ...sessionSettings,
      ];
      for (const [name, value] of settings) {
        await session.query('SELECT set_config($1, $2, false)', [name, value], timeoutMs).catch((error) => {
          // tcp_user_timeout is PostgreSQL 12 and later; the keepalives still bound the drop.
          if (session.ended !== undefined) throw error;
        });
      }
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** Why the session ended, or undefined while it lives. */
  get ended(): string | undefined {
    return this.#endedBecause;
  }

  /** Hears, once, that the session ended (at once if it already has). Returns the unsubscribe. */
  onEnded(listener: (reason: string) => void): () => void {
    if (this.#endedBecause !== undefined) {
      const reason = this.#endedBecause;
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * One statement on this session. No answer within `timeoutMs` ends the session: a lock whose
   * connection cannot be heard from cannot be counted on.
   */
  async query<Row extends pg.QueryResultRow>(
    text: string,
    values: readonly unknown[],
    timeoutMs: number,
  ): Promise<Row[]> {
    if (this.#endedBecause !== undefined)
      throw new Error(`the lease connection ended: ${this.#endedBecause}`);
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A busy event loop runs this timer before the answer that arrived meanwhile: let the
        // pending I/O be read first, so a stall of our own is not taken for a silent database.
        setImmediate(() => {
          if (settled) return;
          const reason = `no answer from the database within ${timeoutMs} ms`;
          this.#end(reason);
          reject(new Error(reason));
        });
      }, timeoutMs);
    });
    const answer = this.#connection.client.query<Row>(text, [...values]).finally(() => {
      settled = true;
    });
    try {
      const result = await Promise.race([answer, timeout]);
      return result.rows;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the connection on purpose: listeners are not told (the caller let go). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#endedBecause ??= 'closed';
    this.locked = false;
    await this.#connection.close().catch(() => {});
  }

  #end(reason: string): void {
    if (this.#endedBecause !== undefined) return;
    this.#endedBecause = reason;
    this.locked = false;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch {
        // One listener's failure must not keep the others from hearing it.
      }
    }
    void this.close();
  }
}
