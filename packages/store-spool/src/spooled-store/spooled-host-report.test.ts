import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostReport } from '@website-monitor/core';
import { FakeClock, MemoryLogger } from '@website-monitor/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlakyStore } from './flaky-store.test-helper.js';
import { createSpooledStore, type SpooledStore } from './spooled-store.js';

let dir: string;
let store: SpooledStore | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wm-spool-hosts-'));
});

afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const report: HostReport = {
  host: 'web-1',
  engineId: 'ENGINE:1',
  engineName: 'web-1',
  agentVersion: '1.0.0',
  role: 'active',
  startedAt: Date.UTC(2026, 0, 1),
  lastSeenAt: Date.UTC(2026, 0, 1, 0, 1),
  containers: 3,
  unhealthy: 1,
  openIncidents: 1,
};

describe('host reports through the spool (issue 12, item 1)', () => {
  it('go straight to the database, are never spooled, and fail while it is away', async () => {
    const primary = new FlakyStore();
    store = createSpooledStore({
      store: primary,
      path: join(dir, 'agent.spool'),
      maxBytes: 1_000_000,
      logger: new MemoryLogger(),
      clock: new FakeClock(),
    });
    await store.saveHostReport({ report });
    expect(await primary.database.listHosts()).toEqual([report]);
    expect(await store.listHosts()).toEqual([report]);

    primary.mode = 'down';
    await expect(
      store.saveHostReport({ report: { ...report, lastSeenAt: report.lastSeenAt + 1 } }),
    ).rejects.toThrow();
    await expect(store.listHosts()).rejects.toThrow();
    expect(store.pending().rows).toBe(0);
  });
});
