import '../testcontainers-environment/testcontainers-environment.js';
import type Docker from 'dockerode';
import {
  type ContainerRuntimeClient,
  GenericContainer,
  getContainerRuntimeClient,
  type PortWithOptionalBinding,
  PullPolicy,
  type StartedTestContainer,
  Wait,
  type WaitStrategy,
} from 'testcontainers';
import { TEST_LABEL, TEST_RUN_LABEL, testRunId } from '../docker-client/docker-client.js';
import { forceRemove } from '../remove-test-containers/remove-test-containers.js';
import { type TestAppBehaviour, testAppEnvironment } from '../test-app-behaviour/test-app-behaviour.js';
import { TEST_APP_PORT, TEST_IMAGE } from '../test-image/test-image.js';
import { ExplainedWaitStrategy, explainFailedStart } from './explained-wait-strategy.js';
import { StartedWaitStrategy } from './started-wait-strategy.js';

export interface TestHealthcheck {
  readonly intervalMs: number;
  /** Default: the interval. */
  readonly timeoutMs?: number;
  /** Failures in a row before "unhealthy" (default 1). */
  readonly retries?: number;
  readonly startPeriodMs?: number;
}

/** When a started test app counts as ready, see `TestAppContainer.withReadiness`. */
export type TestAppReadiness = 'http' | 'running' | 'none';

export interface TestRestartPolicy {
  readonly name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  readonly maximumRetryCount?: number;
}

/**
 * How often the HTTP wait asks, and how long one answer may take: testcontainers uses one value
 * for both, 1 s by default, which costs most starts a second (the first ask comes before the app
 * listens). The app answers / in under 15 ms at the 90th percentile on a loaded 2-core machine,
 * even beside two busy loops (76 ms at worst in 60 asks), and an ask that times out is repeated.
 */
const httpWaitIntervalMs = 100;

/**
 * A container of the local test image (`website-monitor-test:local`), built with testcontainers:
 * the builder methods of `GenericContainer` (name, labels, environment, health check, exposed
 * ports, wait strategy, network mode) plus what it has no builder for, set on its `hostConfig`.
 *
 * Every container carries `TEST_LABEL` and `TEST_RUN_LABEL` (run `testRunId` unless
 * `withRunId`), since Ryuk is disabled and `removeTestContainers` cleans up by them; runs with
 * `Init: true`; is never pulled (the image exists only locally); and publishes ports on
 * 127.0.0.1 only. Without `withPublishedHttp` it is ready once its process started and still
 * runs (see `withReadiness`). A start that fails says how the container ended and what it
 * printed, and leaves no container behind.
 *
 *     const app = await new TestAppContainer().withBehaviour({ healthMode: 'fail' }).withPublishedHttp().start();
 */
export class TestAppContainer extends GenericContainer {
  #createdId: string | undefined;

  constructor() {
    super(TEST_IMAGE);
    // Docker's init as PID 1 forwards signals to the app's shell (SIGTERM stops it at once,
    // `crashContainer`'s USR1 reaches its trap) and reaps what it forks per connection.
    this.hostConfig.Init = true;
    this.withPullPolicy(PullPolicy.neverPull()).withRunId().withReadiness('running');
  }

  /**
   * Sets the test labels again, with another run than this process's `testRunId` if asked: call
   * it after `withLabels`, so that no label of the test's overrides them.
   */
  withRunId(runId: string = testRunId): this {
    return this.withLabels({ [TEST_LABEL]: '1', [TEST_RUN_LABEL]: runId });
  }

  /** What the app does (its environment, see `testAppEnv`). */
  withBehaviour(behaviour: TestAppBehaviour): this {
    return this.withEnvironment(testAppEnvironment(behaviour));
  }

  /** A Docker HEALTHCHECK running `/app/testapp healthcheck` (the imported image has none). */
  withTestAppHealthCheck(healthcheck: TestHealthcheck): this {
    return this.withHealthCheck({
      test: ['CMD', '/app/testapp', 'healthcheck'],
      interval: healthcheck.intervalMs,
      timeout: healthcheck.timeoutMs ?? healthcheck.intervalMs,
      retries: healthcheck.retries ?? 1,
      startPeriod: healthcheck.startPeriodMs ?? 0,
    });
  }

  withRestartPolicy(policy: TestRestartPolicy): this {
    this.hostConfig.RestartPolicy = { Name: policy.name, MaximumRetryCount: policy.maximumRetryCount ?? 0 };
    return this;
  }

  /**
   * Memory limit in bytes, and swap limited to the same value so that the limit kills the app
   * (`withResourcesQuota` counts in whole GiB fractions and leaves swap alone).
   */
  withMemoryLimit(bytes: number): this {
    this.hostConfig.Memory = bytes;
    this.hostConfig.MemorySwap = bytes;
    return this;
  }

  /**
   * Exposes the ports and publishes each on 127.0.0.1 only. testcontainers binds an exposed port
   * on every host address and has no way to choose one, so its bindings get `HostIp: 127.0.0.1`
   * (the host port it chose stays: 0 for an ephemeral one). Its own port lookup still works: it
   * takes the binding whose address family matches the runtime host, which is 127.0.0.1
   * (`TESTCONTAINERS_HOST_OVERRIDE`, see testcontainers-environment.ts).
   */
  override withExposedPorts(...ports: PortWithOptionalBinding[]): this {
    super.withExposedPorts(...ports);
    const bindings: Docker.PortMap = this.hostConfig.PortBindings ?? {};
    for (const [port, hostBindings] of Object.entries(bindings)) {
      bindings[port] = hostBindings.map((binding) => ({ ...binding, HostIp: '127.0.0.1' }));
    }
    return this;
  }

  /** Publishes the app port (ephemeral, on 127.0.0.1) and waits until GET / answers 200. */
  withPublishedHttp(): this {
    return this.withExposedPorts(TEST_APP_PORT).withReadiness('http');
  }

  /**
   * When the app counts as started: GET / answers 200 (needs `withPublishedHttp`), its process
   * runs, or as soon as the engine started it (for an app meant to end at once).
   */
  withReadiness(readiness: TestAppReadiness): this {
    if (readiness === 'http' && !this.hasExposedPort(TEST_APP_PORT)) {
      throw new Error('an HTTP wait needs the app port published: call withPublishedHttp()');
    }
    return this.withWaitStrategy(
      readiness === 'http'
        ? Wait.forHttp('/', TEST_APP_PORT, { abortOnContainerExit: true }).withReadTimeout(httpWaitIntervalMs)
        : new StartedWaitStrategy({ mustStillRun: readiness === 'running' }),
    );
  }

  /**
   * Starts it; when that fails, the error tells how the container ended and what it printed, and
   * the container is removed (testcontainers removes it only when the wait fails, and Ryuk is
   * off).
   */
  override async start(): Promise<StartedTestContainer> {
    this.#createdId = undefined;
    try {
      return await super.start();
    } catch (error) {
      if (this.#createdId !== undefined) {
        const { container } = await getContainerRuntimeClient();
        await explainFailedStart(error, container.getById(this.#createdId));
        await forceRemove(container.dockerode, this.#createdId);
      }
      throw error;
    }
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    this.#createdId = containerId;
  }

  protected override async selectWaitStrategy(
    client: ContainerRuntimeClient,
    inspectResult: Docker.ContainerInspectInfo,
    waitStrategy?: WaitStrategy,
  ): Promise<WaitStrategy> {
    return new ExplainedWaitStrategy(await super.selectWaitStrategy(client, inspectResult, waitStrategy));
  }
}
