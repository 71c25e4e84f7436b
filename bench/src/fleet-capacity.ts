import type { HealthSample } from '@website-monitor/core';
import { createPostgresStore } from '../../packages/postgres-store/src/index.js';
import { fleetHealthSample } from './fleet-sample.js';

export interface FleetCapacity {
  readonly writers: number;
  readonly seconds: number;
  readonly rowsWritten: number;
  /** Each `saveHealthSamples` call of `batchSize` rows, ms. */
  readonly batchMs: number[];
}

/** The recorder's largest batch (its `maxBatchSize` default): what an agent behind on its writes sends. */
export const capacityBatchSize = 500;

/**
 * How many health samples per second the database takes when `writers` agents write as fast as
 * they can (each its own store and pool, batches of `capacityBatchSize` one after another, as a
 * recorder catching up does): the headroom above what the fleet needs at the default intervals.
 */
export async function measureFleetCapacity(options: {
  readonly connectionString: string;
  readonly writers: number;
  readonly seconds: number;
  readonly idPrefix: string;
}): Promise<FleetCapacity> {
  const { writers, seconds, idPrefix } = options;
  const stores = Array.from({ length: writers }, (_, index) =>
    createPostgresStore({ connectionString: options.connectionString, host: `${idPrefix}-host-${index}` }),
  );
  const batchMs: number[] = [];
  let rowsWritten = 0;
  try {
    // One unmeasured batch each: connections open, plans warm.
    await Promise.all(
      stores.map((store, index) => store.saveHealthSamples({ samples: batch(idPrefix, index, -1) })),
    );
    const startedAt = performance.now();
    const endsAt = startedAt + seconds * 1000;
    await Promise.all(
      stores.map(async (store, index) => {
        for (let round = 0; performance.now() < endsAt; round++) {
          const samples = batch(idPrefix, index, round);
          const callStartedAt = performance.now();
          await store.saveHealthSamples({ samples });
          batchMs.push(performance.now() - callStartedAt);
          rowsWritten += samples.length;
        }
      }),
    );
    return { writers, seconds: (performance.now() - startedAt) / 1000, rowsWritten, batchMs };
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

function batch(idPrefix: string, writer: number, round: number): HealthSample[] {
  const host = `${idPrefix}-host-${writer}`;
  return Array.from({ length: capacityBatchSize }, (_, index) =>
    fleetHealthSample({
      idPrefix,
      host,
      container: index % 100,
      sequence: round * capacityBatchSize + index,
    }),
  );
}
