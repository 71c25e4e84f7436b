import type { MonitorConfig } from '../config/monitor-config.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { AgentLog } from './agent-support.js';

export const retentionIntervalMs = 60 * 60_000;
const retentionBatchSize = 5_000;
const dayMs = 24 * 60 * 60_000;

/** Removes health samples past `storage.retention_days`; incidents and actions stay unless configured. */
export async function applyRetention(deps: {
  readonly store: Store;
  readonly storage: MonitorConfig['storage'];
  readonly clock: Clock;
  readonly log: AgentLog;
}): Promise<void> {
  const { store, storage } = deps;
  const now = deps.clock.now();
  const removed = await store.pruneHealthSamples({
    before: now - storage.retentionDays * dayMs,
    batchSize: retentionBatchSize,
  });
  const incidentDays = storage.incidentRetentionDays;
  const removedIncidents =
    incidentDays !== undefined && store.pruneIncidents
      ? await store.pruneIncidents({ before: now - incidentDays * dayMs })
      : 0;
  if (removed + removedIncidents > 0) {
    deps.log('info', 'retention_applied', {
      health_samples_removed: removed,
      incidents_removed: removedIncidents,
    });
  }
}
