import type { HealthSample, Incident, Store } from '@website-monitor/core';
import { contractHealthSample, contractIncident } from '@website-monitor/core/testing';

export interface StoreThroughput {
  readonly store: string;
  /** Health samples per second, one value per round, written in batches of `batchSize`. */
  readonly batchedRowsPerSecond: number[];
  /** The same kind of rows, one `saveHealthSamples` call (one INSERT) per row, in the same rounds. */
  readonly unbatchedRowsPerSecond: number[];
  /** `saveIncident` one after another, as the agent writes an incident before it acts. */
  readonly incidentsPerSecond: number[];
}

export interface ThroughputPlan {
  readonly rounds: number;
  /** Rows per round written in batches. */
  readonly batchedRows: number;
  /** The agent's recorder batch size (its default, 500). */
  readonly batchSize: number;
  /** Rows per round written one per call: fewer, as they are ~100x slower. */
  readonly unbatchedRows: number;
  readonly incidents: number;
}

/**
 * Writes to one store in rounds; within a round the batched, unbatched and incident writes follow
 * each other, so each rate is measured beside its baseline under the same load. Every row is new
 * (fresh ids), so a round measures inserts, not upserts of rows already there.
 */
export async function measureStoreThroughput(options: {
  readonly name: string;
  readonly store: Store;
  readonly plan: ThroughputPlan;
  readonly runId: string;
  readonly progress: (line: string) => void;
}): Promise<StoreThroughput> {
  const { store, plan } = options;
  const rows = healthSampleFactory(`${options.runId}-${options.name}`);
  const incidents = incidentFactory(`${options.runId}-${options.name}`);
  const result: StoreThroughput = {
    store: options.name,
    batchedRowsPerSecond: [],
    unbatchedRowsPerSecond: [],
    incidentsPerSecond: [],
  };
  // One unmeasured batch: connections, prepared plans and page caches are warm for every round.
  await store.saveHealthSamples({ samples: rows(plan.batchSize) });
  for (let round = 0; round < plan.rounds; round++) {
    const batches = Array.from({ length: Math.ceil(plan.batchedRows / plan.batchSize) }, () =>
      rows(plan.batchSize),
    );
    let startedAt = performance.now();
    for (const batch of batches) await store.saveHealthSamples({ samples: batch });
    result.batchedRowsPerSecond.push(rate(batches.length * plan.batchSize, startedAt));

    const singles = rows(plan.unbatchedRows);
    startedAt = performance.now();
    for (const sample of singles) await store.saveHealthSamples({ samples: [sample] });
    result.unbatchedRowsPerSecond.push(rate(singles.length, startedAt));

    const opened = incidents(plan.incidents);
    startedAt = performance.now();
    for (const incident of opened) await store.saveIncident({ incident });
    result.incidentsPerSecond.push(rate(opened.length, startedAt));
  }
  options.progress(
    `store ${options.name}: ${Math.round(median(result.batchedRowsPerSecond))} rows/s batched, ${Math.round(median(result.unbatchedRowsPerSecond))} unbatched, ${Math.round(median(result.incidentsPerSecond))} incidents/s`,
  );
  return result;
}

function rate(count: number, startedAt: number): number {
  return count / ((performance.now() - startedAt) / 1000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const containerCount = 50;

/**
 * Samples like the agent's: 50 containers checked in turn, a few per cent failing with a problem,
 * response times, memory and CPU varying, checked one second apart.
 */
function healthSampleFactory(prefix: string): (count: number) => HealthSample[] {
  let sequence = 0;
  const startedAt = Date.now();
  return (count) =>
    Array.from({ length: count }, () => {
      const index = sequence++;
      const container = index % containerCount;
      const failing = index % 37 === 0;
      const responseTimeMs = failing ? 5000 : 3 + ((index * 7919) % 400) / 10;
      const memoryBytes = 40_000_000 + ((index * 104_729) % 60_000_000);
      return contractHealthSample({
        id: `${prefix}-sample-${index}`,
        host: 'bench-host',
        containerId: `${prefix}-container-${container}`.padEnd(64, '0'),
        containerName: `web-${container}`,
        checkedAt: startedAt + index * 1000,
        healthy: !failing,
        status: failing ? 'unhealthy' : 'healthy',
        problems: failing
          ? [
              {
                kind: 'http_failed',
                message: `timeout after 5000 ms from http://127.0.0.1:${8000 + container}/health`,
              },
            ]
          : [],
        metrics: {
          state: 'running',
          exitCode: null,
          oomKilled: false,
          dockerHealth: failing ? 'unhealthy' : 'healthy',
          restartCount: index % 5,
          httpStatus: failing ? undefined : 200,
          responseTimeMs,
          memoryBytes,
          memoryLimitBytes: 536_870_912,
          memoryPercent: (memoryBytes / 536_870_912) * 100,
          cpuPercent: ((index * 31) % 1000) / 10,
        },
      });
    });
}

/** Incidents as the agent opens them: a crash with its exit code and the rules' diagnosis. */
function incidentFactory(prefix: string): (count: number) => Incident[] {
  let sequence = 0;
  const startedAt = Date.now();
  return (count) =>
    Array.from({ length: count }, () => {
      const index = sequence++;
      const container = index % containerCount;
      return contractIncident({
        id: `${prefix}-incident-${index}`,
        host: 'bench-host',
        containerId: `${prefix}-container-${container}`.padEnd(64, '0'),
        containerName: `web-${container}`,
        trigger: 'container_stopped',
        problems: [{ kind: 'container_stopped', message: `container exited with code 1 (web-${container})` }],
        openedAt: startedAt + index,
        updatedAt: startedAt + index,
        exitCode: 1,
      });
    });
}
