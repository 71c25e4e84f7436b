import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from './io/captured-io.js';
import { runCli } from './main.js';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-cli-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

const goodConfig = `monitoring:
  interval_seconds: 30
  containers:
    - name: web
      health_endpoint: http://127.0.0.1:8080/health
      max_restarts_per_hour: 3
healing:
  auto_heal_enabled: true
`;

const badConfig = `monitoring:
  interval_seconds: 30
  containers:
    - name: web
      max_restarts_per_hour: -3
healing:
  auto_heal_enabled: maybe
`;

/** A container that started an hour ago, so the start period is over. */
function fakeEngine() {
  const clock = new FakeClock({ start: Date.now() - 3_600_000 });
  const runtime = new FakeContainerRuntime({ clock });
  return { clock, runtime };
}

describe('runCli: config validate', () => {
  it('prints "FILE: ok" and exits 0 for a valid file', async () => {
    const file = configFile(goodConfig);
    const io = captureIo();
    expect(await runCli(['config', 'validate', file], io)).toBe(0);
    expect(io.out()).toBe(`${file}: ok\n`);
    expect(io.err()).toBe('');
  });

  it('prints one FILE:LINE: path: message line per problem and exits 2', async () => {
    const file = configFile(badConfig);
    const io = captureIo();
    expect(await runCli(['config', 'validate', file], io)).toBe(2);
    const lines = io.out().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `${file}:5: monitoring.containers[0].max_restarts_per_hour: must be at least 0, got -3`,
    );
    expect(lines[1]).toMatch(new RegExp(`^${escapeRegExp(file)}:7: healing\\.auto_heal_enabled: .+`));
  });

  it('reports a missing file as one line, exit 2', async () => {
    const io = captureIo();
    expect(await runCli(['config', 'validate', '/nonexistent/config.yaml'], io)).toBe(2);
    expect(io.out()).toBe('/nonexistent/config.yaml: cannot read config file: file not found\n');
  });
});

describe('runCli: usage', () => {
  it('exits 2 with commander’s message on an unknown command', async () => {
    const io = captureIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err()).toBe("error: unknown command 'frobnicate'\n");
  });

  it('exits 2 on an unknown option, with a suggestion', async () => {
    const io = captureIo();
    expect(await runCli(['check', 'web', '--jsn'], io)).toBe(2);
    expect(io.err()).toContain("error: unknown option '--jsn'");
    expect(io.err()).toContain('--json');
  });

  it('exits 2 when a required argument or option is missing', async () => {
    const check = captureIo();
    expect(await runCli(['check'], check)).toBe(2);
    expect(check.err()).toBe("error: missing required argument 'name'\n");
    const run = captureIo();
    expect(await runCli(['run'], run)).toBe(2);
    // Without a config file, `run` reads autoheal's environment; with none of that either, it says both ways.
    expect(run.err()).toMatch(/^error: run needs --config FILE, or autoheal's environment /);
  });

  it('prints the version and help, exit 0', async () => {
    const version = captureIo();
    expect(await runCli(['--version'], version)).toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = captureIo();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Usage: website-monitor');
    for (const command of ['run', 'check', 'config']) expect(help.out()).toContain(`  ${command} `);
  });

  it('exits 2 with help when no command is given', async () => {
    const io = captureIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.err()).toContain('Usage: website-monitor');
  });
});

describe('runCli: check', () => {
  it('exits 2 with one line when the container does not exist', async () => {
    const { runtime } = fakeEngine();
    const io = captureIo();
    expect(await runCli(['check', 'nope'], io, { createRuntime: () => runtime })).toBe(2);
    expect(io.err()).toBe('error: no container named "nope"\n');
    expect(io.out()).toBe('');
  });

  it('exits 2 with one line when no engine answers', async () => {
    const { runtime } = fakeEngine();
    runtime.setReachable(false);
    const io = captureIo();
    expect(await runCli(['check', 'web'], io, { createRuntime: () => runtime })).toBe(2);
    expect(io.err().split('\n')).toHaveLength(2);
    expect(io.err()).toMatch(/^error: .+\n$/);
    expect(io.err()).not.toContain('    at ');
  });

  it('exits 0 for a healthy container and prints its status and HTTP result', async () => {
    const { runtime } = fakeEngine();
    runtime.addContainer({ name: 'web' });
    const prober = new FakeHttpProber();
    prober.respond('http://127.0.0.1:8080/health', { status: 200, responseTimeMs: 12 });
    const io = captureIo();
    const code = await runCli(
      ['check', 'web', '--endpoint', 'http://127.0.0.1:8080/health', '--timeout', '2'],
      io,
      {
        createRuntime: () => runtime,
        prober,
      },
    );
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^web: healthy \(healthy\)\n/);
    expect(io.out()).toContain('  http     HTTP 200 in 12 ms\n');
    expect(prober.calls[0]?.timeoutMs).toBe(2000);
  });

  it('exits 1 for an unhealthy container and says why, as JSON with --json', async () => {
    const { runtime } = fakeEngine();
    runtime.addContainer({ name: 'web' });
    const prober = new FakeHttpProber();
    prober.respond('http://127.0.0.1:8080/health', { status: 500 });
    const io = captureIo();
    const code = await runCli(['check', 'web', '--endpoint', 'http://127.0.0.1:8080/health', '--json'], io, {
      createRuntime: () => runtime,
      prober,
    });
    expect(code).toBe(1);
    const report = JSON.parse(io.out()) as Record<string, unknown>;
    expect(report).toMatchObject({
      name: 'web',
      healthy: false,
      status: 'unhealthy',
      metrics: { httpStatus: 500 },
    });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'http_failed' })]);
  });

  it('exits 1 for a stopped container', async () => {
    const { runtime } = fakeEngine();
    runtime.addContainer({ name: 'db', state: 'exited', exitCode: 137 });
    const io = captureIo();
    expect(await runCli(['check', 'db'], io, { createRuntime: () => runtime })).toBe(1);
    expect(io.out()).toMatch(/^db: unhealthy/);
    expect(io.out()).toContain('exit code 137');
  });

  it('rejects a bad --timeout or --endpoint with one line, exit 2, before touching the engine', async () => {
    for (const args of [
      ['--timeout', 'soon'],
      ['--timeout', '0'],
      ['--endpoint', 'not a url'],
      ['--endpoint', 'ftp://127.0.0.1/'],
    ]) {
      const { runtime } = fakeEngine();
      runtime.addContainer({ name: 'web' });
      const io = captureIo();
      expect(await runCli(['check', 'web', ...args], io, { createRuntime: () => runtime })).toBe(2);
      expect(io.err()).toMatch(/^error: --(timeout|endpoint) must be .+\n$/);
      expect(runtime.calls).toEqual([]);
    }
  });
});

describe('runCli: bugs', () => {
  it('prints a bug with its stack and exits 1', async () => {
    const io = captureIo();
    const code = await runCli(['check', 'web'], io, {
      createRuntime: () => {
        throw new TypeError('runtime factory exploded');
      },
    });
    expect(code).toBe(1);
    expect(io.err()).toContain('TypeError: runtime factory exploded');
    expect(io.err()).toContain('    at ');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
