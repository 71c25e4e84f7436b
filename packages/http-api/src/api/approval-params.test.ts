import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApprovalRequest, HealingActionRecord } from '@website-monitor/core';
import { MemoryLogger } from '@website-monitor/core/testing';
import { createSqliteStore, type SqliteStore } from '@website-monitor/sqlite-store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ApiHarness, configFrom, startApiHarness } from './api-harness.test-helper.js';

const token = 'approval-params-token-0123456789';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness(options: NonNullable<Parameters<typeof startApiHarness>[0]>): Promise<ApiHarness> {
  const started = await startApiHarness({ ...options, server: { token, ...options.server } });
  cleanups.push(() => started.close());
  return started;
}

/** A script that leaves a marker with what it was given: proof it ran, and which one ran. */
function markerScript(): { script: string; marker: string } {
  const directory = mkdtempSync(join(tmpdir(), 'wm-approval-params-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  const script = join(directory, 'clear-locks.sh');
  const marker = join(directory, 'ran');
  writeFileSync(script, `#!/bin/sh\necho "clear-locks ran" > ${marker}\necho cleared\n`);
  chmodSync(script, 0o755);
  return { script, marker };
}

function scriptConfig(script: string) {
  return configFrom(`
healing:
  auto_fix_actions: []
  manual_approval_required: [custom_script]
  strategies:
    container_stopped:
      - action: custom_script
        script: ${script}
        timeout_seconds: 7
        max_attempts: 2
`);
}

async function pendingApprovals(h: ApiHarness): Promise<ApprovalRequest[]> {
  const answer = await h.call('/monitor/approvals');
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { approvals: ApprovalRequest[] }).approvals;
}

async function approve(h: ApiHarness, id: string): Promise<{ kind: string; reason: string }> {
  const answer = await h.post(`/monitor/approvals/${id}/approve`, {}, token);
  expect(answer.status).toBe(200);
  return (await answer.json()) as { kind: string; reason: string };
}

function ranActions(actions: readonly HealingActionRecord[], action: string): HealingActionRecord[] {
  return actions.filter((record) => record.action === action && record.decidedBy === 'person');
}

describe('an approved step runs exactly as it was queued', () => {
  it('custom_script: the approval keeps the script and its timeout, and the approved run uses them', async () => {
    const { script, marker } = markerScript();
    const h = await harness({ config: scriptConfig(script) });
    h.runtime.crash('web', { exitCode: 1 });
    await h.settle();

    const [queued] = await pendingApprovals(h);
    expect(queued).toMatchObject({
      action: 'custom_script',
      params: { script, timeoutSeconds: 7, maxAttempts: 2 },
    });
    expect(await approve(h, queued!.id)).toMatchObject({ kind: 'act' });
    await h.settle();

    const ran = ranActions(await h.store.listHealingActions({}), 'custom_script');
    expect(ran.map((record) => record.result)).toEqual(['succeeded']);
    expect(ran[0]?.detail).toContain(`script ${script} exited`);
    expect(readFileSync(marker, 'utf8')).toBe('clear-locks ran\n');
  });

  it('restart_if_above_threshold: the queued 95 % holds, not the default 90 %', async () => {
    const config = configFrom(`
monitoring:
  defaults:
    memory_percent_threshold: 80
healing:
  auto_fix_actions: []
  manual_approval_required: [restart_if_above_threshold]
  strategies:
    high_memory_usage:
      - action: restart_if_above_threshold
        threshold_percent: 95
`);
    const h = await harness({ config });
    h.runtime.setMemory('web', { usage: 92, limit: 100 });
    // Three passes over the threshold make the failure (the default failure threshold).
    for (let pass = 0; pass < 6 && (await pendingApprovals(h)).length === 0; pass++) await h.settle(31_000);

    const [queued] = await pendingApprovals(h);
    expect(queued).toMatchObject({ action: 'restart_if_above_threshold', params: { thresholdPercent: 95 } });
    const restartsBefore = h.runtime.calls.filter((call) => call.method === 'restart').length;
    await approve(h, queued!.id);
    await h.settle();

    // 92 % is under the queued 95 %: nothing restarted (the default 90 % would have restarted it).
    expect(h.runtime.calls.filter((call) => call.method === 'restart')).toHaveLength(restartsBefore);
    const ran = ranActions(await h.store.listHealingActions({}), 'restart_if_above_threshold');
    expect(ran).toHaveLength(1);
    expect(ran[0]?.detail).toMatch(/95/);
  });

  it('after an agent restart: the request comes back from SQLite with its script, and the approval runs it', async () => {
    const { script, marker } = markerScript();
    const directory = mkdtempSync(join(tmpdir(), 'wm-approval-sqlite-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const path = join(directory, 'monitor.db');
    const openStore = async (): Promise<SqliteStore> => {
      const store = createSqliteStore({ path, logger: new MemoryLogger() });
      await store.migrate();
      return store;
    };

    const firstStore = await openStore();
    const first = await startApiHarness({ config: scriptConfig(script), agent: { store: firstStore } });
    first.runtime.crash('web', { exitCode: 1 });
    await first.settle();
    const [queued] = await pendingApprovals(first);
    expect(queued?.params).toEqual({ script, timeoutSeconds: 7, maxAttempts: 2 });
    await first.close();
    await firstStore.close();

    // A new agent on the same file and the same engine, where web is still down.
    const secondStore = await openStore();
    cleanups.push(() => secondStore.close());
    const second = await harness({
      config: scriptConfig(script),
      containers: [],
      agent: { store: secondStore, runtime: first.runtime },
    });
    await second.settle();
    const [restored] = await pendingApprovals(second);
    expect(restored).toMatchObject({ id: queued!.id, params: { script, timeoutSeconds: 7, maxAttempts: 2 } });
    expect(existsSync(marker)).toBe(false);

    await approve(second, restored!.id);
    await vi.waitFor(async () => {
      await second.settle();
      const ran = ranActions(await secondStore.listHealingActions({}), 'custom_script');
      expect(ran.map((record) => record.result)).toEqual(['succeeded']);
    });
    expect(readFileSync(marker, 'utf8')).toBe('clear-locks ran\n');
  });
});
