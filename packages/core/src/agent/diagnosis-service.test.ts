import { describe, expect, it } from 'vitest';
import { buildDependencyGraph } from '../policy/dependency-graph.js';
import { FakeClock, FakeContainerRuntime } from '../testing/index.js';
import { createContainerWatch } from './container-watch.js';
import { createDiagnosisService } from './diagnosis-service.js';

function service() {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const id = runtime.addContainer({ name: 'api' });
  runtime.appendLogs(
    'api',
    Array.from({ length: 400 }, (_, index) => `line ${index}`),
  );
  const diagnosis = createDiagnosisService({
    runtime,
    clock,
    log: () => {},
    emit: () => true,
    containers: {
      findByName: () => undefined,
      dependencyGraph: () => buildDependencyGraph({ containers: [] }),
    },
    ledger: { used: () => 0 },
    baselines: { snapshot: () => ({ baselines: {} }) } as never,
    diagnoser: undefined,
    signal: () => undefined,
  });
  return { clock, runtime, diagnosis, watch: createContainerWatch(id, 'api') };
}

describe('the log tail prefetched at a failure event', () => {
  it('is kept only while a diagnosis may use it, then dropped', async () => {
    const h = service();
    h.diagnosis.prefetchLogs(h.watch);
    await h.clock.advance(100);
    expect(h.watch.logPrefetch?.ready).toHaveLength(400);
    // Too old to be used (a diagnosis then reads afresh): nothing holds its 400 lines.
    await h.clock.advance(2_000);
    expect(h.watch.logPrefetch).toBeUndefined();
  });

  it('is not dropped by the timer of an earlier one (a second failure soon after the first)', async () => {
    const h = service();
    h.diagnosis.prefetchLogs(h.watch);
    await h.clock.advance(1_500);
    h.diagnosis.prefetchLogs(h.watch);
    const second = h.watch.logPrefetch;
    await h.clock.advance(600);
    expect(h.watch.logPrefetch).toBe(second);
    expect(h.runtime.callsOf('logs')).toHaveLength(2);
    await h.clock.advance(1_500);
    expect(h.watch.logPrefetch).toBeUndefined();
  });
});
