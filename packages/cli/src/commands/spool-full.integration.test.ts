import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../notifier/src/testing/webhook-receiver.js';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

/**
 * The agent with PostgreSQL down (nothing listens on the port) and its spool on a real, tiny file
 * system (a 256 KiB tmpfs): the spool fills up, and that must be loud everywhere a person looks.
 * Mounting needs root (this machine's test runs have it); elsewhere the test is skipped.
 */
const root = mkdtempSync(join(tmpdir(), 'wm-spool-full-'));
const mountPoint = join(root, 'tiny');
let mounted = false;
let receiver: WebhookReceiver;

beforeAll(async () => {
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
  receiver = await startWebhookReceiver('/hooks/ops');
});

afterAll(async () => {
  await receiver?.close();
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(root, { recursive: true, force: true });
});

interface LogLine {
  readonly level: string;
  readonly event: string;
  readonly [field: string]: unknown;
}

function logLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('website-monitor run: the spool disk fills up while PostgreSQL is down', () => {
  it('says so in an ERROR line, /healthz (degraded), /metrics and one notification', async (context) => {
    if (!mounted) context.skip(); // skipped only where a 256 KiB tmpfs cannot be mounted (not root): the full disk must be real
    const names = ['web-1', 'web-2', 'web-3', 'web-4'];
    const config = join(root, 'monitor.yaml');
    writeFileSync(
      config,
      [
        'monitoring:',
        '  containers:',
        ...names.map((name) => `    - name: ${name}`),
        'storage:',
        // Port 1: nothing listens, every connection is refused at once.
        '  url: postgres://postgres@127.0.0.1:1/website_monitor',
        `  spool_path: ${join(mountPoint, 'spool.db')}`,
        'notifications:',
        '  webhooks:',
        `    - { name: ops, type: json, url: "${receiver.url}", retries: 0 }`,
        '',
      ].join('\n'),
    );
    // Near the real time: the API's /healthz measures the last check's age with the system clock.
    const clock = new FakeClock({ start: Date.now() });
    const runtime = new FakeContainerRuntime({ clock });
    for (const name of names) runtime.addContainer({ name });
    const io = captureIo();
    let stopAgent: () => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const exit = runCli(['run', '--listen', '127.0.0.1:0', '--config', config], io, {
      createRuntime: () => runtime,
      clock,
      prober: new FakeHttpProber(),
      onStarted: (stop) => {
        stopAgent = stop;
        started();
      },
    });
    await Promise.race([running, exit]);
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.err())?.[1];
    expect(url, io.err()).toBeDefined();
    try {
      // Crashes make incidents and actions; with the database down each goes to the spool,
      // until the 256 KiB file system has no room left.
      for (
        let round = 0;
        round < 60 && !logLines(io.out()).some((line) => line.event === 'record_lost');
        round++
      ) {
        for (const name of names) runtime.crash(name, { exitCode: 1 });
        await clock.advance(1_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const log = logLines(io.out());
      const unwritable = log.filter((line) => line.event === 'spool_unwritable');
      expect(unwritable, io.out().slice(-3000)).toHaveLength(1);
      expect(unwritable[0]).toMatchObject({
        level: 'ERROR',
        reason: 'disk_full',
        error: 'database or disk is full',
      });
      const lost = log.filter((line) => line.event === 'record_lost');
      expect(lost.length).toBeGreaterThan(0);
      expect(lost[0]?.level).toBe('ERROR');

      const health = await fetch(`${url}/healthz`);
      const body = (await health.json()) as { status: string; warnings: string[] };
      expect(health.status, JSON.stringify(body)).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.warnings[0]).toMatch(
        /^spool is full \(database or disk is full\) for \d+ s: records reach the database directly and are lost while it is down \(\d+ lost so far\)$/,
      );

      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^spartan_monitor_spool_full 1$/m);
      expect(metrics).toMatch(/^spartan_monitor_spool_write_failures_total [1-9]\d*$/m);
      expect(metrics).toMatch(
        /^spartan_monitor_records_lost_total\{kind="(incident|healing_action)"\} [1-9]\d*$/m,
      );

      // More crashes while full: still one notification for the whole episode.
      for (const name of names) runtime.crash(name, { exitCode: 1 });
      await clock.advance(1_000);
      await vi.waitFor(() => expect(receiver.requests.length).toBeGreaterThan(0), { timeout: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const alerts = receiver.requests.filter(
        (request) => (request.body as { agent_alert?: boolean }).agent_alert,
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.body).toMatchObject({
        kind: 'spool_full',
        agent_alert: true,
        details: { reason: 'disk_full', spool: join(mountPoint, 'spool.db') },
      });
    } finally {
      stopAgent();
      await exit;
    }
  }, 60_000);
});
