import pg from 'pg';

/** An incident as the agent wrote it to `monitor_incidents`, the columns the tests check. */
export interface IncidentRow {
  readonly id: string;
  readonly host: string;
  readonly container_name: string;
  readonly status: string;
  readonly trigger: string;
  readonly exit_code: number | null;
  readonly auto_healed: boolean;
  readonly actions_taken: string[];
  readonly resolved_at: Date | null;
}

/** A row of `monitor_healing_actions`. */
export interface HealingActionRow {
  readonly id: string;
  readonly incident_id: string;
  readonly container_name: string;
  readonly action: string;
  readonly result: string;
  readonly decided_by: string;
}

/** Reads what the agent wrote, straight from PostgreSQL, as a person's SQL would. */
export interface MonitorRows extends AsyncDisposable {
  incidents(host: string): Promise<IncidentRow[]>;
  healingActions(host: string): Promise<HealingActionRow[]>;
  /** How many rows of each id: a row written twice under one id is impossible (primary key), so this also proves the table has the key. */
  duplicateIds(table: 'monitor_incidents' | 'monitor_healing_actions'): Promise<string[]>;
  query<Row extends pg.QueryResultRow>(text: string): Promise<Row[]>;
  close(): Promise<void>;
}

export function readMonitorRows(url: string): MonitorRows {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 3000 });
  // A server stopped under an idle connection must not crash the test process.
  pool.on('error', () => {});
  const query = async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await pool.query<Row>(text, values)).rows;
  const close = () => pool.end();
  return {
    incidents: (host) =>
      query<IncidentRow>(
        `SELECT id, host, container_name, status, trigger, exit_code, auto_healed, actions_taken, resolved_at
         FROM monitor_incidents WHERE host = $1 ORDER BY timestamp`,
        [host],
      ),
    healingActions: (host) =>
      query<HealingActionRow>(
        `SELECT id, incident_id, container_name, action, result, decided_by
         FROM monitor_healing_actions WHERE host = $1 ORDER BY timestamp`,
        [host],
      ),
    duplicateIds: async (table) =>
      (await query<{ id: string }>(`SELECT id FROM ${table} GROUP BY id HAVING COUNT(*) > 1`)).map(
        (row) => row.id,
      ),
    query: (text) => query(text),
    close,
    [Symbol.asyncDispose]: close,
  };
}
