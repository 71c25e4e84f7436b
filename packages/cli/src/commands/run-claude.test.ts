import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FakeAnthropicServer,
  startFakeAnthropicServer,
  validDiagnosisReply,
} from '@website-monitor/claude-diagnoser/testing';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

// `website-monitor run` with the seed's `claude:` section: the Claude diagnoser is built from the
// config and the environment (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL) and asked about a crash.

const servers: FakeAnthropicServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const config = (claude: string) => `monitoring:
  containers:
    - name: web
storage:
  path: ${join(mkdtempSync(join(tmpdir(), 'wm-run-claude-')), 'monitor.db')}
${claude}`;

const seedClaude = `claude:
  enabled: true
  model: "claude-sonnet-4-5-20250929"
  use_for_diagnosis: true
`;

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-run-claude-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Runs the agent on a fake engine until `done` holds for its JSON log, then stops it. */
async function runUntil(
  yaml: string,
  env: Record<string, string>,
  done: (log: Record<string, unknown>[]) => boolean,
) {
  const clock = new FakeClock({ start: Date.now() });
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({
    name: 'web',
    logs: ['listening on :8080', 'Error: connect ECONNRESET 10.0.0.7:5432'],
  });
  const io = captureIo(env);
  let stop: () => void = () => {};
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const exit = runCli(['run', '--no-listen', '--config', configFile(yaml)], io, {
    createRuntime: () => runtime,
    clock,
    prober: new FakeHttpProber(),
    onStarted: (stopIt) => {
      stop = stopIt;
      started();
    },
  });
  await Promise.race([running, exit]);
  runtime.crash('web', { exitCode: 1 });
  await vi.waitFor(() => expect(done(jsonLines(io.out()))).toBe(true), { timeout: 10_000, interval: 20 });
  stop();
  expect(await exit).toBe(0);
  return { io, log: jsonLines(io.out()), runtime };
}

const diagnoses = (log: Record<string, unknown>[]) => log.filter((line) => line.event === 'diagnosis');

describe('website-monitor run with claude.enabled', () => {
  it('asks Claude about a crash at ANTHROPIC_BASE_URL, with the config’s model and the key, and lands its answer', async () => {
    const server = await startFakeAnthropicServer({
      script: validDiagnosisReply({ cause: 'crash', diagnosis: 'web lost its database connection' }),
    });
    servers.push(server);
    const { log, runtime } = await runUntil(
      config(seedClaude),
      { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: server.url },
      (lines) => diagnoses(lines).some((line) => line.source === 'model'),
    );
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body.model).toBe('claude-sonnet-4-5-20250929');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-ant-test');
    expect(diagnoses(log).map((line) => [line.revision, line.source])).toContainEqual(['model', 'model']);
    // The crash was restarted on the rules' diagnosis, without waiting for the answer.
    expect(runtime.callsOf('restart')).toHaveLength(1);
  });

  it('without ANTHROPIC_API_KEY, says so once and records on the incident why the rules stood in', async () => {
    const server = await startFakeAnthropicServer({ script: validDiagnosisReply() });
    servers.push(server);
    const { io, log } = await runUntil(config(seedClaude), { ANTHROPIC_BASE_URL: server.url }, (lines) =>
      diagnoses(lines).some((line) => line.fallback_reason !== undefined),
    );
    expect(io.err()).toContain(
      'claude.enabled is set but ANTHROPIC_API_KEY is not: diagnosing with the rules',
    );
    expect(server.requests).toHaveLength(0);
    expect(diagnoses(log).find((line) => line.fallback_reason !== undefined)).toMatchObject({
      revision: 'fallback',
      source: 'rules',
      fallback_reason: 'claude failed: no_api_key: set ANTHROPIC_API_KEY or pass apiKey',
    });
  });

  it('with Claude off, asks nothing: one diagnosis by the rules per incident', async () => {
    const server = await startFakeAnthropicServer({ script: validDiagnosisReply() });
    servers.push(server);
    const { log } = await runUntil(
      config(''),
      { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: server.url },
      (lines) => lines.some((line) => line.event === 'healing_result'),
    );
    expect(server.requests).toHaveLength(0);
    expect(diagnoses(log).map((line) => line.source)).toEqual(['rules']);
    expect(log.filter((line) => line.event === 'diagnosis_failed')).toEqual([]);
  });
});
