import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

// `run --listen`: what the command hands the API server from the environment and the config.

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-run-api-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

async function startServing(configText: string, env: Record<string, string>) {
  const clock = new FakeClock({ start: Date.now() });
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'web' });
  const io = captureIo(env);
  let stop: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let stopAgent: () => void = () => {};
  const exit = runCli(['run', '--config', configFile(configText), '--listen', '127.0.0.1:0'], io, {
    createRuntime: () => runtime,
    clock,
    prober: new FakeHttpProber(),
    onStarted: (stopIt) => {
      stopAgent = stopIt;
      stop();
    },
  });
  await Promise.race([started, exit]);
  const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.err())?.[1];
  if (!url) throw new Error(`no server URL on stderr:\n${io.err()}`);
  return { io, url, exit, stop: () => stopAgent() };
}

function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/monitor/status`, { headers: { host }, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('website-monitor run --listen', () => {
  it('warns on stderr and in the log when MONITOR_API_TOKEN is short', async () => {
    const { io, exit, stop } = await startServing('', { MONITOR_API_TOKEN: 'change-me-too' });
    stop();
    expect(await exit).toBe(0);
    expect(io.err()).toContain(
      'website-monitor: warning: MONITOR_API_TOKEN is 13 characters; use 16 or more, e.g. openssl rand -hex 32',
    );
    const warning = io
      .out()
      .split('\n')
      .filter((line) => line.includes('"api_token_short"'));
    expect(warning).toHaveLength(1);
    expect(JSON.parse(warning[0]!)).toMatchObject({ level: 'WARN', length: 13, minimum: 16 });
    // The token itself is never written.
    expect(io.out() + io.err()).not.toContain('change-me-too');
  });

  it('says nothing about a token of 16 characters or more', async () => {
    const { io, exit, stop } = await startServing('', { MONITOR_API_TOKEN: '0123456789abcdef' });
    stop();
    expect(await exit).toBe(0);
    expect(io.err()).not.toContain('MONITOR_API_TOKEN is');
    expect(io.out()).not.toContain('api_token_short');
  });

  it('answers 421 to a foreign Host and serves the names in api.allowed_hosts', async () => {
    const { url, exit, stop } = await startServing('api:\n  allowed_hosts: [monitor.example.com]\n', {});
    try {
      expect(await statusWithHost(url, 'attacker.example')).toBe(421);
      expect(await statusWithHost(url, 'monitor.example.com:9090')).toBe(200);
      expect(await statusWithHost(url, 'localhost:9090')).toBe(200);
    } finally {
      stop();
    }
    expect(await exit).toBe(0);
  });
});
