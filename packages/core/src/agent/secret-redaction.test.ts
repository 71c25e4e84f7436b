import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorConfig } from '../config/monitor-config.js';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import type { HealingStrategy } from '../heal/healing-strategy.js';
import type { DiagnosisContext } from '../ports/diagnoser.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
  RecordingNotifier,
  ScriptedDiagnoser,
} from '../testing/index.js';
import type { AgentEvents } from './agent-events.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

// Issue 10, item 7: a secret a container prints, or an action's output holds, reaches no sink
// unmasked: the store, the log, the events (what the SSE stream forwards), the notifier, and the
// context a diagnoser is given. The agent redacts once, where the text enters its records.

// Assembled at run time so secret scanners do not flag this file.
const dbPassword = ['Sup3r', '-Secret-', 'Pa55word'].join('');
const awsId = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const awsSecret = ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'].join('');
const secrets = [dbPassword, awsId, awsSecret];

const agents: WebsiteMonitorAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

const eventNames: readonly (keyof AgentEvents)[] = [
  'check:failed',
  'incident:opened',
  'incident:updated',
  'incident:reopened',
  'incident:resolved',
  'incident:escalated',
  'healing:attempt',
  'healing:result',
  'approval:required',
  'diagnosis:completed',
];

function harness(
  config: MonitorConfig,
  diagnoser?: ScriptedDiagnoser,
  strategies: readonly HealingStrategy[] = [],
) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  const logger = new MemoryLogger();
  const notifier = new RecordingNotifier();
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store,
    logger,
    notifier,
    prober: new FakeHttpProber(),
    clock,
    random: () => 0.5,
    strategies,
    ...(diagnoser ? { diagnoser } : {}),
  });
  agents.push(agent);
  const events: unknown[] = [];
  for (const name of eventNames) agent.on(name, (payload: unknown) => events.push({ name, payload }));
  runtime.addContainer({
    name: 'web',
    env: [`DB_PASSWORD=${dbPassword}`, 'NODE_ENV=production', 'PORT=8080'],
    // A label Docker accepts (512 KB) that repeats the password: bounded before it is scanned.
    labels: { 'com.example.notes': `${dbPassword} ${'QUJD'.repeat(128 * 1024)}` },
  });
  const settle = async (ms = 0) => {
    await agent.idle();
    if (ms > 0) await clock.advance(ms);
    await agent.idle();
  };
  /** Everything every sink received, as one text. */
  const sinks = async () =>
    JSON.stringify({
      incidents: await store.listIncidents({}),
      actions: await store.listHealingActions({}),
      approvals: await store.listApprovals({}),
      log: logger.entries,
      events,
      notifications: notifier.notifications,
      contexts: diagnoser?.calls ?? [],
    });
  return { agent, runtime, store, logger, notifier, events, settle, sinks };
}

function expectMasked(text: string): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).toContain('[REDACTED:');
}

describe('a secret printed by a container reaches no sink unmasked', () => {
  it('masks it in the store, the log, the events, the notification and the diagnoser’s context', async () => {
    const config = parseMonitorConfig({
      text: 'claude:\n  enabled: true\n  use_for_diagnosis: true\n',
      env: {},
    });
    // A model that quotes the secret back (it cannot have read it: its answer is redacted too).
    const diagnoser = new ScriptedDiagnoser({
      name: 'claude',
      respond: {
        diagnosis: `login failed with password ${dbPassword}`,
        cause: 'crash',
        recommendedAction: 'restart_container',
        urgency: 'high',
        confidence: 90,
        reasoning: `the log shows aws ${awsId} ${awsSecret}`,
        source: 'model',
      },
    });
    const { agent, runtime, store, settle, sinks } = harness(config, diagnoser);
    await agent.start();
    await settle();

    runtime.crash('web', {
      exitCode: 1,
      logs: [
        `connecting as app with password ${dbPassword}`,
        `aws ${awsId} ${awsSecret}`,
        `Error: boot failed (DB_PASSWORD=${dbPassword})`,
      ],
    });
    await settle();
    await settle(30_000);

    const [incident] = await store.listIncidents({});
    expect(incident?.diagnosis?.source).toBe('model');
    expect(diagnoser.calls.length).toBeGreaterThan(0);
    const context = diagnoser.calls[0]!;
    expect(context.container?.env).toEqual([
      'DB_PASSWORD=[REDACTED:env_value]',
      'NODE_ENV=[REDACTED:env_value]',
      'PORT=[REDACTED:env_value]',
    ]);
    expect(context.logTail).toContain('aws [REDACTED:aws_key] [REDACTED:high_entropy]');
    expect(context.container?.labels['com.example.notes']?.length).toBeLessThanOrEqual(16 * 1024);
    expect(incident?.diagnosis?.diagnosis).toBe('login failed with password [REDACTED:env_value]');
    expectMasked(await sinks());
  });
});

describe('an action’s output holding a secret reaches no sink unmasked', () => {
  const secretOutput = `rm: cannot remove '/tmp/.env': DB_PASSWORD=${dbPassword} aws ${awsId} ${awsSecret}`;

  it('clear_cache: the action record, the healing_result log line, the event and the escalation', async () => {
    const config = parseMonitorConfig({
      text: `healing:
  strategies:
    container_stopped:
      - action: clear_cache
        max_attempts: 1
`,
      env: {},
    });
    const { agent, runtime, store, logger, settle, sinks } = harness(config);
    runtime.respond('exec', (args: { argv: readonly string[] }) =>
      args.argv.includes('-maxdepth')
        ? { exitCode: 0, output: '/tmp\n/var/tmp\n' }
        : { exitCode: 1, output: secretOutput },
    );
    await agent.start();
    await settle();
    runtime.crash('web', { exitCode: 1 });
    await settle();
    await settle(60_000);

    const actions = await store.listHealingActions({});
    const cleared = actions.find((action) => action.action === 'clear_cache' && action.result === 'failed');
    expect(cleared?.detail).toContain(
      'DB_PASSWORD=[REDACTED:env_value] aws [REDACTED:aws_key] [REDACTED:high_entropy]',
    );
    expect(JSON.stringify(logger.find('healing_result'))).toContain('[REDACTED:aws_key]');
    expectMasked(await sinks());
  });

  it('custom_script: what the script prints is masked before it is recorded', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wm-redact-'));
    const script = join(directory, 'fix.sh');
    writeFileSync(
      script,
      `#!/bin/sh\necho "deploy key ${awsId} ${awsSecret}"\necho "using ${dbPassword}"\nexit 3\n`,
    );
    chmodSync(script, 0o755);
    const config = parseMonitorConfig({
      text: `healing:
  auto_fix_actions: [restart_container, custom_script]
  strategies:
    container_stopped:
      - action: custom_script
        script: ${script}
        max_attempts: 1
`,
      env: {},
    });
    const { agent, runtime, store, settle, sinks } = harness(config);
    await agent.start();
    await settle();
    runtime.crash('web', { exitCode: 1 });
    await settle();
    await settle(60_000);

    const actions = await store.listHealingActions({});
    const ran = actions.find((action) => action.action === 'custom_script' && action.result === 'failed');
    expect(ran?.detail).toContain('deploy key [REDACTED:aws_key] [REDACTED:high_entropy]');
    expect(ran?.detail).toContain('using [REDACTED:env_value]');
    expectMasked(await sinks());
  });
});

describe('a HEALTHCHECK that prints a secret', () => {
  it('masks its output in the health sample, the check events and the log', async () => {
    const config = parseMonitorConfig({ text: 'healing:\n  auto_heal_enabled: false\n', env: {} });
    const { agent, runtime, store, logger, events, settle } = harness(config);
    await agent.start();
    await settle();

    runtime.setDockerHealth('web', 'unhealthy', {
      output: `curl: (22) 500 from http://app:${dbPassword}@db:5432/app aws ${awsId} ${awsSecret}`,
    });
    await settle();
    await settle(5_000);

    const failed = events.filter((event) => (event as { name: string }).name === 'check:failed');
    expect(failed.length).toBeGreaterThan(0);
    const samples = await store.listHealthSamples({ containerName: 'web' });
    expect(
      samples.some((sample) => sample.problems.some((problem) => problem.kind === 'docker_unhealthy')),
    ).toBe(true);
    const text = JSON.stringify({ failed, samples, log: logger.entries });
    expect(text).toContain('Docker HEALTHCHECK reports unhealthy');
    expectMasked(text);
  });
});

describe('the diagnosis context a plugin strategy reads', () => {
  it('is assembled when the strategy reads it, masked, and the same object at every read', async () => {
    const seen: DiagnosisContext[] = [];
    const inspector: HealingStrategy = {
      name: 'inspect_and_restart',
      description: 'reads the diagnosis context, then restarts',
      restartsContainer: true,
      async run(context) {
        // Read twice, once through a spread as a plugin might: one context, built at the first read.
        seen.push(context.diagnosisContext, { ...context }.diagnosisContext);
        await context.runtime.restart({ id: context.container.id, timeoutSeconds: 1 });
        return { ok: true, detail: 'restarted', changedContainer: true };
      },
    };
    const config = parseMonitorConfig({
      text: `healing:
  auto_fix_actions: [inspect_and_restart]
  strategies:
    container_stopped:
      - action: inspect_and_restart
        max_attempts: 1
`,
      env: {},
      knownActions: [inspector.name],
    });
    const { agent, runtime, settle, sinks } = harness(config, undefined, [inspector]);
    await agent.start();
    await settle();
    runtime.crash('web', { exitCode: 1, logs: [`connecting as app with password ${dbPassword}`] });
    await settle();
    await settle(30_000);

    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    const context = seen[0]!;
    expect(context.incident.containerName).toBe('web');
    expect(context.container?.env).toContain('DB_PASSWORD=[REDACTED:env_value]');
    const text = JSON.stringify(context);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(await sinks()).not.toContain(dbPassword);
  });
});

describe('the rules read a crash’s lines before its restart', () => {
  it('never quote part of the container’s own secret, even where their excerpt cuts a line', async () => {
    // A plain word (no pattern finds it), placed so the rules' 120-character excerpt of the error
    // line ends inside it: only the container's known value can mask it.
    const plainSecret = ['correcthorse', 'batterystaple', 'zebra'].join('');
    const config = parseMonitorConfig({ text: '', env: {} });
    const { agent, runtime, store, settle, sinks } = harness(config);
    runtime.addContainer({ name: 'api', env: [`APP_SECRET=${plainSecret}`] });
    await agent.start();
    await settle();
    const prefix = 'Error: startup failed while loading module configuration for tenant ';
    runtime.crash('api', {
      exitCode: 1,
      logs: [`${prefix}${'x'.repeat(110 - prefix.length)} ${plainSecret} end`],
    });
    await settle();
    await settle(30_000);

    const [incident] = await store.listIncidents({ containerName: 'api' });
    expect(incident?.diagnosis?.source).toBe('rules');
    const text = await sinks();
    expect(text).toContain('startup failed');
    expect(text).not.toContain(plainSecret.slice(0, 6));
  });
});
