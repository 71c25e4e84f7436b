import type { ApiCase } from './api-cases.js';
import type { HostileReport } from './hostile-report.js';
import { sendRaw } from './raw-http.js';

/**
 * Sends every case to 127.0.0.1:`port`, `concurrency` at a time, counts each outcome in the
 * report under its area, and returns one line per case whose answer was not acceptable.
 */
export async function runApiCases(options: {
  readonly port: number;
  readonly cases: readonly ApiCase[];
  readonly report: HostileReport;
  readonly concurrency?: number;
}): Promise<string[]> {
  const { cases, report } = options;
  const violations: string[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const apiCase = cases[index];
      if (apiCase === undefined) return;
      const outcome = await sendRaw({
        port: options.port,
        request: apiCase.request,
        ...(apiCase.timeoutMs === undefined ? {} : { timeoutMs: apiCase.timeoutMs }),
        ...(apiCase.endAfterWrite ? { endAfterWrite: true } : {}),
      });
      report.tried(apiCase.area, outcome.kind === 'answered' ? String(outcome.status) : outcome.kind);
      const problem = apiCase.judge(outcome);
      if (problem) violations.push(`${apiCase.area}: ${apiCase.name}: ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return violations;
}

/** At most `max` lines, then how many more: a batch's failure message stays readable. */
export function summarize(violations: readonly string[], max = 12): string[] {
  if (violations.length <= max) return [...violations];
  return [...violations.slice(0, max), `… and ${violations.length - max} more`];
}
