import {
  type ContainerBaseline,
  defaultMonitorConfig,
  type HealthSample,
  type Logger,
  type Store,
  systemClock,
} from '@website-monitor/core';
import { Recorder } from '@website-monitor/core/internal';
// Relative imports: the bench runs from source and these are not among its dependencies.
import { baselineMetrics } from '../../packages/core/src/domain/baseline.js';
import { createPostgresStore } from '../../packages/postgres-store/src/index.js';
import { fleetHealthSample } from './fleet-sample.js';

/** What one phase of simulated agents wrote, and how long each write took. */
export interface FleetWrites {
  readonly hosts: number;
  readonly containersPerHost: number;
  readonly seconds: number;
  /** Health samples the agents' checks produced in the window (the offered load). */
  readonly samplesOffered: number;
  /** Health samples the store accepted (counted in the database afterwards). */
  readonly samplesStored: number;
  /** Baseline rows upserted (each host's full pass saves them). */
  readonly baselinesWritten: number;
  /** Each `saveHealthSamples` call, ms. */
  readonly sampleWriteMs: number[];
  /** Rows per `saveHealthSamples` call. */
  readonly batchRows: number[];
  /** Each `saveBaselines` call, ms. */
  readonly baselineWriteMs: number[];
  /** Samples not yet written when the window ended: buffered or in a write (keeping up: about one second's worth). */
  readonly backlogAtEnd: number;
  readonly errors: string[];
}

/**
 * `hosts` agents, each with `containersPerHost` healthy containers, writing what an idle agent
 * writes at the default intervals, through the real `Recorder` (batches of at most 500, flushed
 * every second) into its own `createPostgresStore({ connectionString })` (its own pool, as each
 * agent has): one health sample per container per check interval (10 s; a passing probe between
 * checks adds no row), the containers' checks spread over the interval, and the learned baselines
 * upserted after each full pass (30 s). Every sample id starts with `idPrefix`, so the rows that
 * reached the table are counted afterwards.
 */
export async function measureFleetWrites(options: {
  readonly connectionString: string;
  readonly hosts: number;
  readonly containersPerHost: number;
  readonly seconds: number;
  readonly idPrefix: string;
  /** Rows of `monitor_health_metrics` whose id starts with the prefix (the bench's own connection). */
  readonly count: (idPrefix: string) => Promise<number>;
}): Promise<FleetWrites> {
  const { hosts, containersPerHost, seconds, idPrefix } = options;
  const checkIntervalMs = defaultMonitorConfig().monitoring.defaults.checkIntervalSeconds * 1000;
  const fullPassMs = defaultMonitorConfig().monitoring.intervalSeconds * 1000;
  const errors: string[] = [];
  const logger: Logger = {
    log(level, event, fields) {
      if (level === 'error' || level === 'warn')
        errors.push(`${level} ${event} ${JSON.stringify(fields ?? {})}`);
    },
  };
  const sampleWriteMs: number[] = [];
  const batchRows: number[] = [];
  const baselineWriteMs: number[] = [];
  let samplesOffered = 0;
  let baselinesWritten = 0;

  const agents = Array.from({ length: hosts }, (_, index) => {
    const host = `${idPrefix}-host-${index}`;
    const store = createPostgresStore({ connectionString: options.connectionString, host, logger });
    const recorder = new Recorder({
      store: timed(store, sampleWriteMs, batchRows, baselineWriteMs),
      clock: systemClock,
      logger,
    });
    return { host, store, recorder };
  });
  const startedAt = performance.now();
  const endsAt = startedAt + seconds * 1000;
  try {
    for (const agent of agents) agent.recorder.start();
    const loops = agents.map(async ({ host, recorder }, hostIndex) => {
      // Hosts started at different moments: each one's cadence is offset by a share of the interval.
      const offset = (hostIndex / hosts) * (checkIntervalMs / containersPerHost);
      const nextCheck = Array.from(
        { length: containersPerHost },
        (_, container) => startedAt + offset + (container / containersPerHost) * checkIntervalMs,
      );
      let nextPass = startedAt + offset + fullPassMs;
      let sequence = 0;
      while (performance.now() < endsAt) {
        const now = performance.now();
        for (let container = 0; container < containersPerHost; container++) {
          while (nextCheck[container]! <= now && nextCheck[container]! < endsAt) {
            recorder.addHealthSample(fleetHealthSample({ idPrefix, host, container, sequence: sequence++ }));
            samplesOffered++;
            nextCheck[container]! += checkIntervalMs;
          }
        }
        if (nextPass <= now) {
          nextPass += fullPassMs;
          await recorder.saveBaselines(baselines(host, containersPerHost));
          baselinesWritten += containersPerHost * baselineMetrics.length;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    await Promise.all(loops);
    const backlogAtEnd = samplesOffered - batchRows.reduce((sum, rows) => sum + rows, 0);
    await Promise.all(agents.map((agent) => agent.recorder.stop()));
    return {
      hosts,
      containersPerHost,
      seconds,
      samplesOffered,
      samplesStored: await options.count(idPrefix),
      baselinesWritten,
      sampleWriteMs,
      batchRows,
      baselineWriteMs,
      backlogAtEnd,
      errors,
    };
  } finally {
    await Promise.all(agents.map((agent) => agent.recorder.stop().finally(() => agent.store.close())));
  }
}

/** The store with its two write calls timed (the rest passed through). */
function timed(store: Store, sampleMs: number[], rows: number[], baselineMs: number[]): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'saveHealthSamples') {
        return async (options: { readonly samples: readonly HealthSample[] }) => {
          const startedAt = performance.now();
          await target.saveHealthSamples(options);
          sampleMs.push(performance.now() - startedAt);
          rows.push(options.samples.length);
        };
      }
      if (property === 'saveBaselines') {
        return async (options: { readonly baselines: readonly ContainerBaseline[] }) => {
          const startedAt = performance.now();
          await target.saveBaselines(options);
          baselineMs.push(performance.now() - startedAt);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function baselines(host: string, containers: number): ContainerBaseline[] {
  const now = Date.now();
  return Array.from({ length: containers }, (_, container) =>
    baselineMetrics.map((metric) => ({
      host,
      containerName: `web-${container}`,
      image: 'registry.local/web:1.4.2',
      metric,
      mean: 40 + container,
      variance: 16,
      samples: 120,
      updatedAt: now,
    })),
  ).flat();
}
