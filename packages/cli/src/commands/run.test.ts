import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-run-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

const config = `monitoring:
  interval_seconds: 30
  containers:
    - name: web
      max_restarts_per_hour: 3
healing:
  auto_heal_enabled: true
  dry_run: false
`;

function fakeEngine() {
  const clock = new FakeClock({ start: Date.now() - 3_600_000 });
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'web' });
  return { clock, runtime, prober: new FakeHttpProber() };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Starts `run` and hands back its exit-code promise once the agent runs. */
async function startRun(args: readonly string[], io = captureIo(), engine = fakeEngine()) {
  let stop: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    stop = () => resolve();
  });
  let stopAgent: () => void = () => {};
  const exit = runCli(
    ['run', ...(args.some((arg) => arg.startsWith('--listen')) ? [] : ['--no-listen']), ...args],
    io,
    {
      createRuntime: () => engine.runtime,
      clock: engine.clock,
      prober: engine.prober,
      onStarted: (stopIt) => {
        stopAgent = stopIt;
        stop();
      },
    },
  );
  await Promise.race([started, exit]);
  return { exit, io, engine, stopAgent: () => stopAgent() };
}

describe('website-monitor run', () => {
  it('stops on a bad config before anything starts: issue lines on stderr, exit 2', async () => {
    const file = configFile('monitoring:\n  interval_seconds: -1\n');
    const io = captureIo();
    let runtimeCreated = false;
    const code = await runCli(['run', '--config', file], io, {
      createRuntime: () => {
        runtimeCreated = true;
        return fakeEngine().runtime;
      },
    });
    expect(code).toBe(2);
    expect(runtimeCreated).toBe(false);
    expect(io.err()).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: monitoring\\.interval_seconds: .+\\n$`),
    );
    expect(io.out()).toBe('');
  });

  it('runs the agent, logs JSON lines on stdout and exits 0 on SIGTERM', async () => {
    const { exit, io, engine } = await startRun(['--config', configFile(config)]);
    expect(engine.runtime.callsOf('list').length).toBeGreaterThan(0);
    io.sendSignal('SIGTERM');
    expect(await exit).toBe(0);
    const records = jsonLines(io.out());
    const events = records.map((record) => record.event);
    expect(events).toContain('agent_started');
    expect(events).toContain('agent_stopping');
    expect(events.at(-1)).toBe('agent_stopped');
    expect(records.find((record) => record.event === 'agent_stopping')).toMatchObject({
      level: 'INFO',
      signal: 'SIGTERM',
    });
    expect(io.exitCalls).toEqual([]);
    // Stopped means stopped: no event stream left open on the engine.
    expect(engine.runtime.openEventStreams).toBe(0);
  });

  it('treats the same signal delivered twice at once as one stop (process group + wrapper)', async () => {
    const { exit, io } = await startRun(['--config', configFile(config)]);
    io.sendSignal('SIGTERM');
    io.sendSignal('SIGTERM');
    expect(io.exitCalls).toEqual([]);
    expect(await exit).toBe(0);
  });

  it('exits at once with 130 on a second signal a person sends while stopping', async () => {
    const { exit, io, engine } = await startRun(['--config', configFile(config)]);
    io.sendSignal('SIGINT');
    engine.clock.set(engine.clock.now() + 1_100);
    io.sendSignal('SIGINT');
    expect(io.exitCalls).toEqual([130]);
    expect(io.err()).toContain('SIGINT again');
    expect(await exit).toBe(0);
  });

  it('--dry-run overrides healing.dry_run', async () => {
    const file = configFile(config);
    for (const [args, dryRun] of [
      [[], false],
      [['--dry-run'], true],
    ] as const) {
      const { exit, io, stopAgent } = await startRun(['--config', file, ...args]);
      stopAgent();
      expect(await exit).toBe(0);
      expect(jsonLines(io.out()).find((record) => record.event === 'agent_started')?.dry_run).toBe(dryRun);
    }
  });

  it('filters by --log-level, then LOG_LEVEL', async () => {
    const file = configFile(config);
    const quiet = await startRun(['--config', file], captureIo({ LOG_LEVEL: 'error' }));
    quiet.stopAgent();
    expect(await quiet.exit).toBe(0);
    expect(jsonLines(quiet.io.out()).filter((record) => record.level === 'INFO')).toEqual([]);

    const verbose = await startRun(
      ['--config', file, '--log-level', 'debug'],
      captureIo({ LOG_LEVEL: 'error' }),
    );
    verbose.stopAgent();
    expect(await verbose.exit).toBe(0);
    expect(jsonLines(verbose.io.out()).find((record) => record.level === 'DEBUG')).toMatchObject({
      event: 'config_loaded',
      containers: ['web'],
      dry_run: false,
    });
  });

  it('rejects an unknown LOG_LEVEL with one line, exit 2', async () => {
    const io = captureIo({ LOG_LEVEL: 'chatty' });
    expect(
      await runCli(['run', '--no-listen', '--config', configFile(config)], io, {
        createRuntime: () => fakeEngine().runtime,
      }),
    ).toBe(2);
    expect(io.err()).toBe('error: LOG_LEVEL must be one of debug, info, warn, error; got "chatty"\n');
  });

  it('says on stderr when no engine answers, and keeps running until stopped', async () => {
    const engine = fakeEngine();
    engine.runtime.setReachable(false);
    const { exit, io, stopAgent } = await startRun(['--config', configFile(config)], captureIo(), engine);
    expect(io.err()).toMatch(
      /^website-monitor: .+; retrying with backoff until it answers \(the agent keeps running\)\n$/,
    );
    stopAgent();
    expect(await exit).toBe(0);
  });
});

describe('website-monitor run: the store', () => {
  type Row = { container_name: string; trigger: string; host: string };
  async function incidentsJson(file: string, clock: FakeClock): Promise<Row[]> {
    const io = captureIo();
    expect(await runCli(['incidents', '--config', file, '--json'], io, { clock })).toBe(0);
    return JSON.parse(io.out()) as Row[];
  }

  it('records into the SQLite file next to the config, where `incidents` finds it', async () => {
    const file = configFile(config);
    const engine = fakeEngine();
    const { exit, io, stopAgent } = await startRun(
      ['--config', file],
      captureIo({ WEBSITE_MONITOR_HOST: 'edge-1' }),
      engine,
    );
    expect(jsonLines(io.out()).find((record) => record.event === 'store_opened')).toMatchObject({
      kind: 'sqlite',
      path: join(dirname(file), '.website-monitor', 'monitor.db'),
    });

    engine.runtime.crash('web', { exitCode: 3 });
    let rows: Row[] = [];
    for (let turn = 0; turn < 100 && rows.length === 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      rows = await incidentsJson(file, engine.clock);
    }
    stopAgent();
    expect(await exit).toBe(0);
    // WEBSITE_MONITOR_HOST names this agent's rows in a shared database.
    expect(rows).toMatchObject([{ container_name: 'web', trigger: 'container_stopped', host: 'edge-1' }]);
  });

  it('starts and keeps running with PostgreSQL unreachable, spooling to disk, password never shown', async () => {
    const file = configFile(config);
    const spoolPath = join(dirname(file), '.website-monitor', 'spool.db');
    const { exit, io, stopAgent } = await startRun(
      ['--config', file],
      captureIo({ DATABASE_URL: 'postgres://wm:hunter22@127.0.0.1:1/monitor' }),
    );
    expect(io.err()).toContain(
      `website-monitor: cannot reach the database at postgres://wm:***@127.0.0.1:1/monitor: connect ECONNREFUSED 127.0.0.1:1; writes are spooled to ${spoolPath}`,
    );
    const events = jsonLines(io.out());
    expect(events.find((record) => record.event === 'store_opened')).toMatchObject({
      kind: 'postgres',
      source: 'DATABASE_URL',
      spool_path: spoolPath,
    });
    expect(events.map((record) => record.event)).toContain('agent_started');
    stopAgent();
    expect(await exit).toBe(0);
    expect(`${io.out()}${io.err()}`).not.toContain('hunter22');
    expect(existsSync(spoolPath)).toBe(true);
  });

  it('stops with one line and exit 1 when the SQLite file cannot be created', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wm-run-'));
    writeFileSync(join(directory, 'not-a-directory'), '');
    const file = join(directory, 'config.yaml');
    writeFileSync(file, `${config}storage:\n  path: not-a-directory/monitor.db\n`);
    const io = captureIo();
    const code = await runCli(['run', '--config', file], io, { createRuntime: () => fakeEngine().runtime });
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      /^error: cannot reach the database at .+not-a-directory\/monitor\.db: EEXIST.*\n$/,
    );
  });
});

describe('website-monitor run: the spool', () => {
  it('a second agent on the same config takes the spool file beside the one another agent holds (a standby beside its active agent)', async () => {
    const file = configFile(config);
    const env = { DATABASE_URL: 'postgres://wm:hunter22@127.0.0.1:1/monitor' };
    const first = await startRun(['--config', file], captureIo(env));
    const second = await startRun(['--config', file], captureIo(env));
    const spoolOf = (io: ReturnType<typeof captureIo>) =>
      jsonLines(io.out()).find((line) => line.event === 'store_opened')?.spool_path;
    const configured = join(dirname(file), '.website-monitor', 'spool.db');
    expect(spoolOf(first.io)).toBe(configured);
    expect(spoolOf(second.io)).toBe(join(dirname(file), '.website-monitor', 'spool.2.db'));
    expect(jsonLines(second.io.out()).find((line) => line.event === 'store_opened')).toMatchObject({
      configured_spool_path: configured,
    });
    second.stopAgent();
    first.stopAgent();
    expect([await first.exit, await second.exit]).toEqual([0, 0]);
    expect(second.io.err()).not.toContain('hunter22');
  });
});

describe('parseListen', () => {
  it('reads HOST:PORT, [v6]:PORT and a bare port, and refuses anything else with one line', async () => {
    const { parseListen } = await import('./run.js');
    expect(parseListen('127.0.0.1:9090')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseListen('[::1]:9091')).toEqual({ host: '::1', port: 9091 });
    expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListen('9092')).toEqual({ host: '127.0.0.1', port: 9092 });
    for (const bad of ['localhost', ':9090', '127.0.0.1:99999', 'a:b']) {
      expect(() => parseListen(bad)).toThrow(/--listen: expected HOST:PORT/);
    }
  });
});
