import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import type { RuntimeFactory } from '../io/runtime-factory.js';
import { runCli } from '../main.js';
import { fakeStoreFactories } from '../store/fake-store-factories.js';

/** Each agent here its own lock directory (as the setup file gives each test file one). */
const lockDir = () =>
  process.env.WEBSITE_MONITOR_LOCK_DIR ?? mkdtempSync(join(tmpdir(), 'wm-autoheal-locks-'));

function fakeEngine() {
  const clock = new FakeClock({ start: Date.now() - 3_600_000 });
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'web', labels: { autoheal: 'true', 'autoheal.stop.timeout': '3' } });
  runtime.addContainer({ name: 'db' });
  return { clock, runtime, prober: new FakeHttpProber() };
}

async function startRun(env: Record<string, string>, args: readonly string[] = [], waitForStart = true) {
  const io = captureIo({ WEBSITE_MONITOR_LOCK_DIR: lockDir(), ...env });
  const engine = fakeEngine();
  const stores = fakeStoreFactories();
  const runtimeOptions: Parameters<RuntimeFactory>[0][] = [];
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const exit = runCli(['run', '--no-listen', ...args], io, {
    createRuntime: (options) => {
      runtimeOptions.push(options);
      return engine.runtime;
    },
    clock: engine.clock,
    prober: engine.prober,
    storeFactories: stores.factories,
    onStarted: () => started(),
  });
  if (waitForStart) await Promise.race([running, exit]);
  return { exit, io, engine, stores, runtimeOptions, running };
}

describe('website-monitor run with no config file (autoheal drop-in)', () => {
  it("without --config and without autoheal's environment: a usage error naming both ways, exit 2", async () => {
    const io = captureIo({});
    let runtimeCreated = false;
    const code = await runCli(['run'], io, {
      createRuntime: () => {
        runtimeCreated = true;
        return fakeEngine().runtime;
      },
    });
    expect(code).toBe(2);
    expect(runtimeCreated).toBe(false);
    expect(io.err()).toBe(
      "error: run needs --config FILE, or autoheal's environment (AUTOHEAL_CONTAINER_LABEL=... or --autoheal) to run as a drop-in for autoheal (docs/migrating.md)\n",
    );
  });

  it('a bad AUTOHEAL_* value: one line naming the variable, nothing started, exit 2', async () => {
    const io = captureIo({ AUTOHEAL_INTERVAL: 'often', AUTOHEAL_CONTAINER_LABEL: 'all' });
    let runtimeCreated = false;
    const code = await runCli(['run', '--no-listen'], io, {
      createRuntime: () => {
        runtimeCreated = true;
        return fakeEngine().runtime;
      },
    });
    expect(code).toBe(2);
    expect(runtimeCreated).toBe(false);
    expect(io.err()).toBe(
      `error: autoheal's environment has a bad value:\n  AUTOHEAL_INTERVAL: expected a number of seconds above 0, at most a day (5, 2.5, 30s, 1m), got "often"\n`,
    );
  });

  it('runs as autoheal from AUTOHEAL_*: says what it mapped, restarts the labelled unhealthy container with its stop timeout', async () => {
    const { exit, io, engine, stores, runtimeOptions } = await startRun({
      AUTOHEAL_CONTAINER_LABEL: 'autoheal',
      AUTOHEAL_INTERVAL: '5',
      DOCKER_SOCK: '/tmp/wm-test/docker.sock',
      CURL_TIMEOUT: '12',
    });
    expect(io.err()).toMatch(
      /^website-monitor: no config file: running as autoheal \(AUTOHEAL_CONTAINER_LABEL=autoheal AUTOHEAL_INTERVAL=5 DOCKER_SOCK=\/tmp\/wm-test\/docker.sock CURL_TIMEOUT=12\)\n {2}AUTOHEAL_CONTAINER_LABEL=autoheal -> containers labelled autoheal=true/,
    );
    expect(runtimeOptions[0]).toMatchObject({
      dockerHost: 'unix:///tmp/wm-test/docker.sock',
      requestTimeoutMs: 12_000,
    });
    // Incidents go to the embedded SQLite file by default.
    expect(stores.opened[0]).toMatchObject({
      kind: 'sqlite',
      target: expect.stringContaining('.website-monitor/monitor.db'),
    });

    engine.runtime.setDockerHealth('db', 'unhealthy');
    engine.runtime.setDockerHealth('web', 'unhealthy');
    for (let i = 0; i < 20 && engine.runtime.callsOf('restart').length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(engine.runtime.callsOf('restart').map((call) => call.args)).toEqual([
      { id: engine.runtime.idOf('web'), timeoutSeconds: 3 },
    ]);
    io.sendSignal('SIGTERM');
    expect(await exit).toBe(0);
    const logged = io
      .out()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.find((line) => line.event === 'autoheal_config')).toMatchObject({
      level: 'INFO',
      given: [
        'AUTOHEAL_CONTAINER_LABEL=autoheal',
        'AUTOHEAL_INTERVAL=5',
        'DOCKER_SOCK=/tmp/wm-test/docker.sock',
        'CURL_TIMEOUT=12',
      ],
      mapped: expect.arrayContaining([
        expect.stringMatching(/^AUTOHEAL_INTERVAL=5 -> monitoring.interval_seconds: 5/),
      ]),
    });
  });

  it("--autoheal runs with autoheal's defaults when no AUTOHEAL_* is set; with --config it is a usage error", async () => {
    const { exit, io } = await startRun({}, ['--autoheal']);
    expect(io.err()).toContain('running as autoheal (autoheal defaults)');
    io.sendSignal('SIGTERM');
    expect(await exit).toBe(0);

    const file = join(mkdtempSync(join(tmpdir(), 'wm-autoheal-')), 'config.yaml');
    writeFileSync(file, '');
    const both = captureIo({});
    expect(
      await runCli(['run', '--autoheal', '--config', file], both, {
        createRuntime: () => fakeEngine().runtime,
      }),
    ).toBe(2);
    expect(both.err()).toContain('give --config or --autoheal, not both');
  });

  it('a config file wins over AUTOHEAL_*, and says they are ignored', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wm-autoheal-')), 'config.yaml');
    writeFileSync(file, 'monitoring:\n  discovery: listed\n');
    const { exit, io } = await startRun({ AUTOHEAL_CONTAINER_LABEL: 'all' }, ['--config', file]);
    expect(io.err()).toContain(
      `website-monitor: AUTOHEAL_* variables are ignored: the config file ${file} is used\n`,
    );
    expect(io.err()).not.toContain('running as autoheal');
    io.sendSignal('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('AUTOHEAL_START_PERIOD: nothing is watched until it has passed; a stop during it exits 0 at once', async () => {
    const startedAt = performance.now();
    const { exit, io, engine, running } = await startRun({ AUTOHEAL_START_PERIOD: '0.3' }, [], false);
    await running;
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(engine.runtime.callsOf('list').length).toBeGreaterThan(0);
    expect(io.out()).toContain('"event":"start_delayed"');
    io.sendSignal('SIGTERM');
    expect(await exit).toBe(0);

    const early = await startRun({ AUTOHEAL_START_PERIOD: '1h' }, [], false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    early.io.sendSignal('SIGTERM');
    expect(await early.exit).toBe(0);
    expect(early.engine.runtime.callsOf('list')).toHaveLength(0);
  });
});
