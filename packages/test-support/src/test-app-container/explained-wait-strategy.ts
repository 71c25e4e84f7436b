import type Docker from 'dockerode';
import type { BoundPorts, WaitStrategy } from 'testcontainers';
import { demuxDockerStream } from '../container-logs/container-logs.js';
import { describeContainerState } from '../container-state/container-state.js';

const explained = new WeakSet<Error>();

/**
 * Appends to the error of a failed start how the container ended (status, exit code, OOM kill)
 * and its output, once. Does nothing when the container is already gone, and never throws: the
 * start's own error is what the test must see.
 */
export async function explainFailedStart(error: unknown, container: Docker.Container): Promise<void> {
  if (!(error instanceof Error) || explained.has(error)) return;
  try {
    const { Name, State } = await container.inspect();
    const name = Name.replace(/^\//, '');
    const logs = demuxDockerStream(await container.logs({ stdout: true, stderr: true, follow: false }));
    error.message += `\ncontainer ${name} is ${describeContainerState(State)}`;
    error.message += `\n--- logs of ${name} ---\n${logs.stdout}${logs.stderr}`;
    explained.add(error);
  } catch {
    // Removed meanwhile, or the engine went away: the start's error stays as it is.
  }
}

/**
 * A wait strategy whose failure carries the container's end and output. It has to read them
 * itself: testcontainers stops and removes a container that fails its wait before `start()`
 * rejects, so nothing is left to read by then.
 */
export class ExplainedWaitStrategy implements WaitStrategy {
  readonly #inner: WaitStrategy;

  constructor(inner: WaitStrategy) {
    this.#inner = inner;
  }

  async waitUntilReady(container: Docker.Container, boundPorts: BoundPorts, startTime?: Date): Promise<void> {
    try {
      await this.#inner.waitUntilReady(container, boundPorts, startTime);
    } catch (error) {
      await explainFailedStart(error, container);
      throw error;
    }
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.#inner.withStartupTimeout(startupTimeoutMs);
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.#inner.isStartupTimeoutSet();
  }

  getStartupTimeout(): number {
    return this.#inner.getStartupTimeout();
  }
}
