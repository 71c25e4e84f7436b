import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import type { HostileAgent } from './hostile-agent.js';
import type { BatchFigures, HostileReport } from './hostile-report.js';

/** The bounds of issue 10's hostile-input suite. */
export interface InvariantBounds {
  /** /healthz must answer within this, at every poll and at every batch's end. */
  readonly healthzWithinMs: number;
  /** The agent's event loop never stalls longer. */
  readonly maxStallMs: number;
  readonly maxRssBytes: number;
  /** Actions that may run without a person (the config's auto_fix_actions, normalized, and look-only steps). */
  readonly allowedActions: readonly string[];
}

export const defaultBounds: Omit<InvariantBounds, 'allowedActions'> = {
  healthzWithinMs: 1_000,
  maxStallMs: 200,
  maxRssBytes: 250 * 1024 * 1024,
};

/** How long a batch's check waits for the agent's next event-loop reports (sent every 100 ms). */
const reportWaitMs = 3_000;

/** Results of a recorded action that mean it ran (or started to): a skipped step did not. */
const ranResults = new Set(['pending', 'succeeded', 'failed', 'dry_run']);

export interface InvariantWatch {
  /**
   * Checks every invariant over the batch that just ended (since the previous call): the agent
   * is up, /healthz answers 200 within the bound now and answered every 100 ms poll within it,
   * the agent's event loop never stalled past the bound, its RSS stayed under the bound, and no
   * action outside the allowlist is recorded in its store or its log. `extra` violations found
   * by the batch itself (a 500, a hang) are added. Reported and returned.
   */
  checkBatch(batch: string, extra?: readonly string[]): Promise<BatchFigures>;
  stop(): void;
}

export function watchInvariants(options: {
  readonly agent: HostileAgent;
  /** The agent's SQLite file, read (WAL mode) for the actions it recorded. */
  readonly storePath: string;
  readonly bounds: InvariantBounds;
  readonly report: HostileReport;
}): InvariantWatch {
  const { agent, bounds, report } = options;
  const allowed = new Set(bounds.allowedActions);
  let polls: { latencyMs: number; status: number | 'timeout' | 'error'; at: number }[] = [];
  let polling = true;
  // The client's own delay, so a slow poll caused by this process can be told from the agent's.
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();

  const poll = async () => {
    while (polling) {
      const started = Date.now();
      polls.push({ ...(await getHealthz(agent.port, bounds.healthzWithinMs * 3)), at: started });
      const wait = 100 - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  void poll();

  return {
    async checkBatch(batch, extra = []) {
      const violations = [...extra];
      const exited = agent.exited();
      if (exited) violations.push(`the agent exited (${JSON.stringify(exited)})`);
      const fresh = exited ? undefined : await getHealthz(agent.port, bounds.healthzWithinMs * 3);
      if (fresh && (fresh.status !== 200 || fresh.latencyMs > bounds.healthzWithinMs)) {
        violations.push(
          `/healthz at the batch's end: ${fresh.status} after ${Math.round(fresh.latencyMs)} ms`,
        );
      }
      const windowPolls = polls;
      polls = [];
      const slowPolls = windowPolls.filter(
        (entry) =>
          entry.status === 'timeout' || entry.status === 'error' || entry.latencyMs > bounds.healthzWithinMs,
      );
      if (slowPolls.length > 0) {
        const worst = Math.max(...slowPolls.map((entry) => entry.latencyMs));
        violations.push(
          `/healthz missed the ${bounds.healthzWithinMs} ms bound in ${slowPolls.length} of ${windowPolls.length} polls (worst ${Math.round(worst)} ms)`,
        );
      }
      // Two more reports from inside the agent, so a stall at the batch's very end is counted
      // (a loop still stalled cannot report: then the wait ends at its bound and says so).
      const reportsBefore = agent.totals().samples;
      const reportDeadline = Date.now() + reportWaitMs;
      while (agent.totals().samples < reportsBefore + 2 && Date.now() < reportDeadline && !agent.exited()) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (agent.totals().samples < reportsBefore + 2 && !agent.exited()) {
        violations.push(`the agent's event loop sent no report for ${reportWaitMs} ms at the batch's end`);
      }
      const figures = agent.takeFigures();
      if (figures.samples === 0 && !exited)
        violations.push('the agent sent no event-loop report during the batch');
      if (figures.maxStallMs > bounds.maxStallMs) {
        violations.push(`event-loop stall ${Math.round(figures.maxStallMs)} ms > ${bounds.maxStallMs} ms`);
      }
      if (figures.maxRssBytes > bounds.maxRssBytes) {
        violations.push(
          `RSS ${Math.round(figures.maxRssBytes / 1024 / 1024)} MB > ${Math.round(bounds.maxRssBytes / 1024 / 1024)} MB`,
        );
      }
      violations.push(...actionsOutsideAllowlist(options.storePath, agent, allowed));
      const clientStallMs = clientLoop.count > 0 ? clientLoop.max / 1e6 : 0;
      clientLoop.reset();
      const result: BatchFigures = {
        batch,
        maxStallMs: figures.maxStallMs,
        maxRssMb: figures.maxRssBytes / 1024 / 1024,
        worstHealthzMs: Math.max(0, ...windowPolls.map((entry) => entry.latencyMs), fresh?.latencyMs ?? 0),
        healthzPolls: windowPolls.length,
        clientStallMs,
        violations,
      };
      report.batch(result);
      return result;
    },
    stop() {
      polling = false;
      clientLoop.disable();
    },
  };
}

/** One GET /healthz on a fresh connection: its status and latency (or why there was none). */
export function getHealthz(
  port: number,
  timeoutMs: number,
): Promise<{ latencyMs: number; status: number | 'timeout' | 'error' }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const call = request(
      { host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: timeoutMs },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ latencyMs: performance.now() - started, status: response.statusCode ?? 0 }),
        );
        response.on('error', () => resolve({ latencyMs: performance.now() - started, status: 'error' }));
      },
    );
    call.on('timeout', () => {
      call.destroy();
      resolve({ latencyMs: performance.now() - started, status: 'timeout' });
    });
    call.on('error', () => resolve({ latencyMs: performance.now() - started, status: 'error' }));
    call.end();
  });
}

/** Actions that ran although they are outside the allowlist, from the store and from the log. */
function actionsOutsideAllowlist(
  storePath: string,
  agent: HostileAgent,
  allowed: ReadonlySet<string>,
): string[] {
  const found: string[] = [];
  let database: DatabaseSync | undefined;
  try {
    database = new DatabaseSync(storePath, { readOnly: true });
    database.exec('PRAGMA busy_timeout = 2000');
    const rows = database
      .prepare('SELECT action, result, decided_by, container_name FROM monitor_healing_actions')
      .all() as { action: string; result: string; decided_by: string; container_name: string }[];
    for (const row of rows) {
      if (ranResults.has(row.result) && !allowed.has(row.action)) {
        found.push(
          `recorded action ${row.action} (${row.result}, by ${row.decided_by}) on ${row.container_name}`,
        );
      }
    }
  } catch (error) {
    // No table yet means nothing was recorded; anything else is worth seeing.
    if (!/no such table/.test(String(error))) found.push(`cannot read the agent's store: ${String(error)}`);
  } finally {
    database?.close();
  }
  for (const line of agent.log) {
    if (line.event !== 'healing_attempt' && line.event !== 'healing_result') continue;
    const action = typeof line.action === 'string' ? line.action : undefined;
    if (action !== undefined && !allowed.has(action) && line.dry_run !== true) {
      found.push(`logged ${line.event} of ${action} on ${String(line.container)}`);
    }
  }
  return [...new Set(found)];
}
