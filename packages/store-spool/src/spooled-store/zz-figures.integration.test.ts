import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger } from '@website-monitor/core/testing';
import { createPostgresStore } from '@website-monitor/postgres-store';
import { it } from 'vitest';
import { incident, samples } from './records.test-helper.js';
import { createSpooledStore } from './spooled-store.js';
import { startTcpProxy } from './tcp-proxy.test-helper.js';

const pg = createRequire(new URL('../../../postgres-store/package.json', import.meta.url))('pg');

it('pg figures', async () => {
  process.on('uncaughtException', () => {});
  const name = `wm_spool_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dir = mkdtempSync(join(tmpdir(), 'wm-fig-pg-'));
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  try {
    const primary = createPostgresStore({
      connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/${name}`,
      host: 'host-a',
      connectTimeoutMs: 1000,
    });
    await primary.migrate();
    const store = createSpooledStore({
      store: primary,
      path: join(dir, 'f.spool'),
      maxBytes: 1e9,
      logger: new MemoryLogger(),
      retryIntervalMs: 60_000,
    });
    const t = Date.now();
    // write-through latency with PG up
    const n = 300;
    let t0 = performance.now();
    for (let i = 0; i < n; i++) await store.saveIncident({ incident: incident(`w${i}`, t + i) });
    console.log(`FIG write-through incident to PG: ${((performance.now() - t0) / n).toFixed(2)} ms/row`);
    const direct = createPostgresStore({
      connectionString: `postgres://postgres@127.0.0.1:5432/${name}`,
      host: 'host-a',
    });
    t0 = performance.now();
    for (let i = 0; i < n; i++) await direct.saveIncident({ incident: incident(`d${i}`, t + i) });
    console.log(`FIG bare PG incident write: ${((performance.now() - t0) / n).toFixed(2)} ms/row`);
    await direct.close();
    await proxy.stop();
    await store.saveIncident({ incident: incident('first-down', t) });
    t0 = performance.now();
    for (let i = 0; i < 2000; i++) await store.saveIncident({ incident: incident(`i${i}`, t + i) });
    console.log(
      `FIG spool-only incident write (PG down): ${((performance.now() - t0) / 2000).toFixed(3)} ms/row`,
    );
    for (let b = 0; b < 40; b++) await store.saveHealthSamples({ samples: samples(`s${b}`, 500, t) });
    const rows = store.pending().rows;
    await proxy.start();
    t0 = performance.now();
    await store.flush();
    const ms = performance.now() - t0;
    console.log(
      `FIG replay into PG: ${rows} rows (2001 incidents + 20000 samples) in ${ms.toFixed(0)} ms = ${((rows / ms) * 1000).toFixed(0)} rows/s`,
    );
    await store.close();
  } finally {
    await proxy.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
