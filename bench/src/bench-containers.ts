import {
  removeTestContainers,
  TEST_APP_PORT,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  type TestAppBehaviour,
  testAppEnv,
} from '@website-monitor/test-support';
import type Docker from 'dockerode';

export interface BenchContainerSpec {
  /** Full container name; the agent's `listed` config names containers before they exist. */
  readonly name: string;
  readonly behaviour?: TestAppBehaviour;
  /** A Docker HEALTHCHECK running `/app/testapp healthcheck` every `intervalMs`, unhealthy after one failure. */
  readonly healthcheckIntervalMs?: number;
  readonly restartPolicy?: 'no' | 'on-failure';
  readonly labels?: Readonly<Record<string, string>>;
  /** Publish the app port on 127.0.0.1 (ephemeral host port). */
  readonly publishHttp?: boolean;
}

export interface BenchContainer {
  readonly id: string;
  readonly name: string;
  readonly hostPort: number | undefined;
  url(path: string): string;
}

const appPort = `${TEST_APP_PORT}/tcp`;

/**
 * Containers of the local test image for one bench run: the test label plus the run's label (so
 * `removeAll` finds exactly ours), `Init: true` so the app's own exit is immediate, and ports on
 * 127.0.0.1 only. Unlike `startTestContainer`, the caller chooses the name and nothing waits.
 */
export function benchContainers(options: { readonly docker: Docker; readonly runId: string }) {
  const { docker, runId } = options;

  async function start(spec: BenchContainerSpec): Promise<BenchContainer> {
    const container = await docker.createContainer({
      name: spec.name,
      Image: TEST_IMAGE,
      Env: testAppEnv(spec.behaviour ?? {}),
      Labels: { ...spec.labels, [TEST_LABEL]: '1', [TEST_RUN_LABEL]: runId },
      ...(spec.publishHttp ? { ExposedPorts: { [appPort]: {} } } : {}),
      ...(spec.healthcheckIntervalMs
        ? {
            Healthcheck: {
              Test: ['CMD', '/app/testapp', 'healthcheck'],
              Interval: spec.healthcheckIntervalMs * 1_000_000,
              Timeout: 2_000 * 1_000_000,
              Retries: 1,
              StartPeriod: 0,
            },
          }
        : {}),
      HostConfig: {
        Init: true,
        ...(spec.publishHttp ? { PortBindings: { [appPort]: [{ HostIp: '127.0.0.1', HostPort: '' }] } } : {}),
        RestartPolicy: { Name: spec.restartPolicy ?? 'no', MaximumRetryCount: 0 },
      },
    });
    // Created under its own name, as users do: the agent leaves a created-but-not-started
    // container alone and starts watching it at its `start` event.
    await container.start();
    let hostPort: number | undefined;
    if (spec.publishHttp) {
      const info = await container.inspect();
      const binding = info.NetworkSettings.Ports?.[appPort]?.[0];
      if (!binding?.HostPort) throw new Error(`container ${spec.name} has no host port for ${appPort}`);
      hostPort = Number(binding.HostPort);
    }
    return {
      id: container.id,
      name: spec.name,
      hostPort,
      url(path) {
        if (hostPort === undefined) throw new Error(`container ${spec.name} has no published port`);
        return `http://127.0.0.1:${hostPort}${path}`;
      },
    };
  }

  /** Starts many, `batchSize` at a time: a start costs ~0.2 s and the engine serializes part of it. */
  async function startMany(specs: readonly BenchContainerSpec[], batchSize = 8): Promise<BenchContainer[]> {
    const started: BenchContainer[] = [];
    for (let index = 0; index < specs.length; index += batchSize) {
      started.push(...(await Promise.all(specs.slice(index, index + batchSize).map(start))));
    }
    return started;
  }

  async function remove(container: { readonly id: string }): Promise<void> {
    try {
      await docker.getContainer(container.id).remove({ force: true, v: true });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) throw error;
    }
  }

  return { start, startMany, remove, removeAll: () => removeTestContainers({ runId, docker }) };
}

export type BenchContainers = ReturnType<typeof benchContainers>;
