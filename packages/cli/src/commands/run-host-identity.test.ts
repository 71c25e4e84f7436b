import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineInfo } from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { createSqliteStore } from '@website-monitor/sqlite-store';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

// `run` and its host name (issue 12, item 1): the engine's name by default, the engine's ID
// beside it, a name another engine reports under refused, the `local` history said once.

function setup() {
  const directory = mkdtempSync(join(tmpdir(), 'wm-run-host-'));
  const configPath = join(directory, 'config.yaml');
  writeFileSync(configPath, 'monitoring:\n  interval_seconds: 30\nstorage:\n  path: data/monitor.db\n');
  return { configPath, databasePath: join(directory, 'data/monitor.db'), lockDir: join(directory, 'locks') };
}

function engineOf(info: EngineInfo) {
  const clock = new FakeClock({ start: Date.now() });
  const runtime = Object.assign(new FakeContainerRuntime({ clock }), { info: async () => info });
  runtime.addContainer({ name: 'web' });
  return { clock, runtime };
}

/** Runs `run` until the agent has started (then stops it) or it exits on its own. */
async function runOnce(configPath: string, engine: ReturnType<typeof engineOf>, env: Record<string, string>) {
  const io = captureIo(env);
  let stopAgent: (() => void) | undefined;
  const exit = runCli(['run', '--no-listen', '--config', configPath], io, {
    createRuntime: () => engine.runtime,
    clock: engine.clock,
    prober: new FakeHttpProber(),
    onStarted: (stop) => {
      stopAgent = stop;
      stop();
    },
  });
  const code = await exit;
  return { code, started: stopAgent !== undefined, err: io.err(), out: io.out() };
}

const engineA = { id: 'AAAA:1111:ENGINE', name: 'docker-one', serverVersion: '20.10.24' };
const engineB = { id: 'BBBB:2222:ENGINE', name: 'docker-one', serverVersion: '20.10.24' };

describe('run: host identity', () => {
  it("records under the engine's name with its ID, and refuses another engine under that name (exit 2)", async () => {
    const { configPath, databasePath, lockDir } = setup();
    const env = { WEBSITE_MONITOR_LOCK_DIR: lockDir };
    const first = await runOnce(configPath, engineOf(engineA), env);
    expect(first.code).toBe(0);
    expect(first.started).toBe(true);
    expect(first.out).toContain('"event":"host_identity","host":"docker-one","source":"engine"');

    const store = createSqliteStore({ path: databasePath });
    const [report] = await store.listHosts();
    await store.close();
    expect(report).toMatchObject({ host: 'docker-one', engineId: engineA.id, engineName: 'docker-one' });

    // Another engine with the same name (a cloned machine): two hosts would mix their records.
    const second = await runOnce(configPath, engineOf(engineB), env);
    expect(second.code).toBe(2);
    expect(second.started).toBe(false);
    expect(second.err).toContain('host "docker-one" is already recorded by another Docker engine');
    expect(second.err).toContain(engineA.id);
    expect(second.err).toContain(engineB.id);

    // The same engine again (a restart) is fine; so is the other engine under a name of its own.
    expect((await runOnce(configPath, engineOf(engineA), env)).code).toBe(0);
    const named = await runOnce(configPath, engineOf(engineB), {
      ...env,
      WEBSITE_MONITOR_HOST: 'docker-two',
    });
    expect(named.code).toBe(0);
    expect(named.out).toContain('"host":"docker-two","source":"env"');
  });

  it('says once that the history stays under local when the agent now records under its engine name', async () => {
    const { configPath, databasePath, lockDir } = setup();
    const store = createSqliteStore({ path: databasePath });
    await store.migrate();
    await store.saveIncident({
      incident: {
        id: 'old-1',
        host: 'local',
        containerId: 'c1',
        containerName: 'web',
        trigger: 'container_stopped',
        problems: [],
        status: 'resolved',
        openedAt: Date.now() - 86_400_000,
        updatedAt: Date.now() - 86_000_000,
        resolvedAt: Date.now() - 86_000_000,
        exitCode: 1,
        oomKilled: false,
        diagnosis: null,
        actionsTaken: [],
        autoHealed: true,
        escalationReason: null,
      },
    });
    await store.close();
    const env = { WEBSITE_MONITOR_LOCK_DIR: lockDir };
    const first = await runOnce(configPath, engineOf(engineA), env);
    expect(first.err).toContain(
      'website-monitor: notice: records from before hosts were named are under host "local"',
    );
    expect(first.err).toContain('host: local');
    const again = await runOnce(configPath, engineOf(engineA), env);
    expect(again.code).toBe(0);
    expect(again.err).not.toContain('notice:');
  });

  it('refuses a bad WEBSITE_MONITOR_HOST before anything starts (exit 2)', async () => {
    const { configPath, lockDir } = setup();
    const result = await runOnce(configPath, engineOf(engineA), {
      WEBSITE_MONITOR_LOCK_DIR: lockDir,
      WEBSITE_MONITOR_HOST: '*',
    });
    expect(result.code).toBe(2);
    expect(result.err).toContain('WEBSITE_MONITOR_HOST: "*" means every host');
  });
});
