import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger, MemoryStore } from '@website-monitor/core/testing';
import { it } from 'vitest';
import { FlakyStore } from './flaky-store.test-helper.js';
import { incident, restartAction, samples } from './records.test-helper.js';
import { createSpooledStore } from './spooled-store.js';

it('figures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wm-fig-'));
  const t = Date.now();
  // 1. spool-only write latency (primary down)
  {
    const primary = new FlakyStore();
    primary.mode = 'down';
    const store = createSpooledStore({
      store: primary,
      path: join(dir, 'a.spool'),
      maxBytes: 1e9,
      logger: new MemoryLogger(),
      retryIntervalMs: 60_000,
    });
    await store.saveIncident({ incident: incident('warm', t) });
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await store.saveIncident({ incident: incident(`i${i}`, t) });
    const t1 = performance.now();
    console.log(`spool-only incident write: ${((t1 - t0) / n).toFixed(3)} ms/row`);
    const s0 = performance.now();
    for (let b = 0; b < 100; b++) await store.saveHealthSamples({ samples: samples(`s${b}`, 500, t) });
    const s1 = performance.now();
    console.log(
      `spool-only samples: ${((50_000 / (s1 - s0)) * 1000).toFixed(0)} rows/s; pending bytes ${store.pending().bytes} rows ${store.pending().rows}`,
    );
    const { statSync } = await import('node:fs');
    console.log(
      `file size ${statSync(join(dir, 'a.spool')).size} wal ${statSync(join(dir, 'a.spool-wal')).size}`,
    );
    primary.mode = 'up';
    const r0 = performance.now();
    await store.flush();
    const r1 = performance.now();
    console.log(
      `replay to MemoryStore: ${(((n + 1 + 50_000) / (r1 - r0)) * 1000).toFixed(0)} rows/s (${n + 1} incidents + 50000 samples in ${(r1 - r0).toFixed(0)} ms)`,
    );
    await store.close();
  }
  // 2. write-through latency (primary up, MemoryStore)
  {
    const store = createSpooledStore({
      store: new MemoryStore(),
      path: join(dir, 'b.spool'),
      maxBytes: 1e9,
      logger: new MemoryLogger(),
    });
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await store.saveHealingAction({ action: restartAction(`a${i}`, t) });
    const t1 = performance.now();
    console.log(`write-through action (spool+deliver+remove): ${((t1 - t0) / n).toFixed(3)} ms/row`);
    const raw = new MemoryStore();
    const r0 = performance.now();
    for (let i = 0; i < n; i++) await raw.saveHealingAction({ action: restartAction(`a${i}`, t) });
    console.log(`bare MemoryStore: ${((performance.now() - r0) / n).toFixed(3)} ms/row`);
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
}, 120_000);
