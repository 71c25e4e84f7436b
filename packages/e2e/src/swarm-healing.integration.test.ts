import type { ContainerEvent, ContainerRuntime, SwarmService } from '@website-monitor/core';
import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { MemoryLogger, MemoryStore } from '@website-monitor/core/testing';
import { createDockerRuntime, createDockerSwarmServices } from '@website-monitor/docker-adapter';
import { TEST_IMAGE } from '@website-monitor/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtraEngine, extraEngineUnavailable, startExtraEngine } from './harness/extra-engine.js';
import { reportFigure } from './harness/report-figure.js';
import { waitUntil } from './harness/wait-until.js';

// Issue 12, item 3, on a real single-node Swarm: an engine of the test's own (its own network
// namespace, data root and socket), never the host's engine, which other tests run on. A service
// whose new version crash-loops is rolled back through Swarm (or escalated when the policy says
// so); the agent never restarts, starts or execs a task's container; a healthy service is left
// alone.

const unavailable = extraEngineUnavailable();
let engine: ExtraEngine;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  const startedAt = performance.now();
  engine = await startExtraEngine({ name: 'swarm' });
  await engine.loadImage(TEST_IMAGE);
  await engine.initSwarm();
  reportFigure(
    'swarm: extra engine up, image loaded, swarm initialised',
    performance.now() - startedAt,
    'ms',
  );
}, 120_000);

afterAll(async () => {
  await engine?.stop();
}, 120_000);

/** The crash-looping version: the test app exits 0.2 s after its start with code 3, saying why. */
const crashingVersion = [
  '--env-add',
  'EXIT_AFTER_SECONDS=0.2',
  '--env-add',
  'EXIT_CODE=3',
  '--env-add',
  'LOG_STDERR_LINES=Error: cannot read /etc/app/config.yml: no such file or directory',
];

interface SwarmAgent extends AsyncDisposable {
  readonly agent: WebsiteMonitorAgent;
  readonly store: MemoryStore;
  readonly logger: MemoryLogger;
  /** restart, start and exec calls the agent made through its runtime, whatever they were refused with. */
  readonly actingCalls: { readonly method: string; readonly id: string }[];
  readonly attempts: { readonly at: number; readonly action: string; readonly container: string }[];
  logText(): string;
}

/** A real agent on the test's engine: the docker adapter's runtime and Swarm services on its socket. */
async function startSwarmAgent(yaml: string): Promise<SwarmAgent> {
  const runtime = createDockerRuntime({ socketPath: engine.socketPath });
  const swarmServices = createDockerSwarmServices({ socketPath: engine.socketPath });
  const actingCalls: { method: string; id: string }[] = [];
  const recorded = new Proxy(runtime, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'restart' && property !== 'start' && property !== 'exec') return value.bind(target);
      return (options: { id: string }) => {
        actingCalls.push({ method: property, id: options.id });
        return (value as (options: unknown) => Promise<unknown>).call(target, options);
      };
    },
  }) as ContainerRuntime;
  const store = new MemoryStore();
  const logger = new MemoryLogger();
  const agent = new WebsiteMonitorAgent({
    config: parseMonitorConfig({ text: yaml, file: 'swarm-e2e.yaml', env: {} }),
    runtime: recorded,
    swarmServices,
    store,
    logger,
    host: 'swarm-e2e',
  });
  const attempts: { at: number; action: string; container: string }[] = [];
  agent.on('healing:attempt', (action) => {
    attempts.push({ at: Date.now(), action: action.action, container: action.containerName });
  });
  await agent.start();
  return {
    agent,
    store,
    logger,
    actingCalls,
    attempts,
    logText: () =>
      logger.entries
        .filter((entry) => entry.event !== 'docker_event')
        .map((entry) => `${entry.level} ${entry.event} ${JSON.stringify(entry.fields)}`)
        .join('\n'),
    async [Symbol.asyncDispose]() {
      await agent.stop();
      await runtime[Symbol.asyncDispose]();
      await swarmServices[Symbol.asyncDispose]();
    },
  };
}

/** The engine's own events, on a connection of their own, for what happened to the task containers. */
async function recordEvents(): Promise<{ readonly events: ContainerEvent[] } & AsyncDisposable> {
  const runtime = createDockerRuntime({ socketPath: engine.socketPath });
  const abort = new AbortController();
  const events: ContainerEvent[] = [];
  const reading = (async () => {
    try {
      for await (const event of runtime.events({ since: Date.now() - 1_000, signal: abort.signal }))
        events.push(event);
    } catch {}
  })();
  await runtime.ping();
  return {
    events,
    async [Symbol.asyncDispose]() {
      abort.abort();
      await reading;
      await runtime[Symbol.asyncDispose]();
    },
  };
}

async function inspectService(name: string): Promise<SwarmService & { readonly env: readonly string[] }> {
  const raw = JSON.parse(await engine.docker(['service', 'inspect', name])) as {
    Spec: { TaskTemplate: { ContainerSpec: { Env?: string[] } } };
  }[];
  await using services = createDockerSwarmServices({ socketPath: engine.socketPath });
  const service = await services.inspectService({ id: name });
  return { ...service, env: raw[0]?.Spec.TaskTemplate.ContainerSpec.Env ?? [] };
}

async function runningTasks(name: string): Promise<string[]> {
  const out = await engine.docker([
    'service',
    'ps',
    name,
    '--filter',
    'desired-state=running',
    '--format',
    '{{.ID}} {{.CurrentState}}',
  ]);
  return out
    .trim()
    .split('\n')
    .filter((line) => line.includes(' Running '));
}

async function createService(name: string, args: readonly string[], replicas = 1): Promise<void> {
  await engine.docker([
    'service',
    'create',
    '--detach',
    '--name',
    name,
    '--replicas',
    String(replicas),
    ...args,
    TEST_IMAGE,
  ]);
  await waitUntil(
    `${name} to run ${replicas} task(s)`,
    async () => ((await runningTasks(name)).length === replicas ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/** Container IDs of a service's task containers on the engine, as its list shows them. */
async function taskContainers(name: string): Promise<string[]> {
  const out = await engine.docker([
    'ps',
    '-aq',
    '--no-trunc',
    '--filter',
    `label=com.docker.swarm.service.name=${name}`,
  ]);
  return out.trim().split('\n').filter(Boolean).sort();
}

describe.skipIf(unavailable !== undefined)(
  `a single-node Swarm${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    it('rolls back a service whose new version crash-loops, never restarts its tasks, and leaves a healthy service alone', async () => {
      // Swarm's defaults: restart a failed task after 5 s, pause an update whose new task fails.
      await createService('web', []);
      await createService('steady', [], 2);
      const steadyBefore = await inspectService('steady');
      const steadyContainers = await taskContainers('steady');
      const webBefore = await inspectService('web');
      await using events = await recordEvents();
      await using monitor = await startSwarmAgent(`
monitoring:
  interval_seconds: 10
healing:
  resolve_after_seconds: 2
`);

      const updatedAt = Date.now();
      await engine.docker(['service', 'update', '--detach', ...crashingVersion, 'web']);
      const rolledBack = await waitUntil(
        'the agent to roll web back',
        () =>
          monitor.attempts.find(
            (attempt) => attempt.action === 'rollback_service' && attempt.container === 'web',
          ),
        { timeoutMs: 90_000, intervalMs: 100 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${monitor.logText()}\n${engine.logTail()}`);
      });
      const restored = await waitUntil(
        'Swarm to finish the rollback (the previous spec back, its task running)',
        async () => {
          const service = await inspectService('web');
          return service.updateStatus?.state === 'rollback_completed' &&
            (await runningTasks('web')).length === 1
            ? service
            : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      const restoredAt = Date.now();
      const resolved = await waitUntil(
        'the incident of web to resolve',
        async () =>
          (await monitor.store.listIncidents({ containerName: 'web' })).find(
            (each) => each.status === 'resolved',
          ),
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${monitor.logText()}`);
      });

      // The crash loop as the engine saw it: each new task's container died with code 3.
      const webDeaths = events.events.filter(
        (event) =>
          event.action === 'die' &&
          event.labels['com.docker.swarm.service.name'] === 'web' &&
          event.exitCode === 3 &&
          event.time >= updatedAt - 1_000,
      );
      expect(webDeaths.length).toBeGreaterThanOrEqual(3);
      const firstDeath = webDeaths[0]!.time;
      reportFigure(
        'swarm: first crash of the new version -> rollback requested',
        rolledBack.at - firstDeath,
        'ms',
      );
      // The agent's own share: from the crash that makes task_failures (3) to the rollback call.
      const thresholdDeath = webDeaths[2]!.time;
      reportFigure('swarm: third crash -> rollback requested', rolledBack.at - thresholdDeath, 'ms');
      expect(rolledBack.at - thresholdDeath).toBeLessThan(5_000);
      reportFigure('swarm: first crash -> previous spec running again', restoredAt - firstDeath, 'ms');
      reportFigure(
        'swarm: crashes of the new version before the rollback',
        webDeaths.filter((death) => death.time <= rolledBack.at).length,
      );

      // ServiceInspect: the previous spec is the spec again (the crashing variables gone).
      expect(restored.env.some((variable) => variable.startsWith('EXIT_CODE='))).toBe(false);
      expect(restored.env).toEqual(webBefore.env);
      expect(restored.hasPreviousSpec).toBe(true);

      // Recorded under the service's name, with the diagnosis from the failed tasks.
      expect(resolved).toMatchObject({
        containerName: 'web',
        containerId: webBefore.id,
        trigger: 'crash_loop',
        autoHealed: true,
        actionsTaken: ['rollback_service'],
      });
      expect(resolved.diagnosis?.diagnosis).toContain('task: non-zero exit (3)');
      expect(resolved.diagnosis?.diagnosis).toContain('since its update of ContainerSpec.Env');
      reportFigure('swarm: diagnosis', `${resolved.diagnosis?.cause}: ${resolved.diagnosis?.diagnosis}`);
      const actions = await monitor.store.listHealingActions({ containerName: 'web' });
      expect(actions.map((action) => [action.action, action.result])).toEqual([
        ['rollback_service', 'succeeded'],
      ]);

      // Never a container action: none asked of the runtime, and no task container started again
      // by anyone (Swarm replaces a task with a new container; it never restarts one).
      expect(monitor.actingCalls).toEqual([]);
      expect(events.events.filter((event) => event.action === 'restart')).toEqual([]);
      const restartedAfterDeath = events.events.filter(
        (event) =>
          event.action === 'start' &&
          events.events.some(
            (earlier) =>
              earlier.action === 'die' &&
              earlier.containerId === event.containerId &&
              earlier.timeNano < event.timeNano,
          ),
      );
      expect(restartedAfterDeath).toEqual([]);

      // The healthy service: no incident, not touched (same version, same task containers).
      expect(await monitor.store.listIncidents({ containerName: 'steady' })).toEqual([]);
      expect((await inspectService('steady')).version).toBe(steadyBefore.version);
      expect(await taskContainers('steady')).toEqual(steadyContainers);
      // Only services were recorded: no incident under a task container's name.
      expect((await monitor.store.listIncidents({})).map((incident) => incident.containerName)).toEqual([
        'web',
      ]);
    }, 240_000);

    it('escalates, and changes nothing, when the policy does not allow a rollback', async () => {
      await createService('api', ['--restart-delay', '1s']);
      await using monitor = await startSwarmAgent(`
monitoring:
  interval_seconds: 10
healing:
  auto_fix_actions: [container_restart, clear_cache, reset_connections]
  manual_approval_required: [database_migration, configuration_change]
`);
      const before = await inspectService('api');
      await engine.docker(['service', 'update', '--detach', ...crashingVersion, 'api']);
      const escalated = await waitUntil(
        'the incident of api to be escalated',
        async () =>
          (await monitor.store.listIncidents({ containerName: 'api' })).find(
            (each) => each.status === 'escalated',
          ),
        { timeoutMs: 90_000, intervalMs: 250 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${monitor.logText()}`);
      });
      expect(escalated.escalationReason).toContain('rollback_service is not in auto_fix_actions');
      // Swarm's own state stands: the update it paused, the crashing spec, and no change since.
      const atEscalation = await inspectService('api');
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const after = await inspectService('api');
      expect(after.updateStatus?.state).toBe('paused');
      expect(after.env).toContain('EXIT_CODE=3');
      expect(after.version).toBe(atEscalation.version);
      expect(after.version).toBeGreaterThan(before.version);
      expect(monitor.attempts).toEqual([]);
      expect(monitor.actingCalls).toEqual([]);
      const actions = await monitor.store.listHealingActions({ containerName: 'api' });
      expect(actions.map((action) => [action.action, action.result])).toEqual([
        ['rollback_service', 'skipped'],
      ]);
    }, 180_000);
  },
);
