import type Docker from 'dockerode';
import { getTestDocker, TEST_LABEL, TEST_RUN_LABEL } from '../docker-client/docker-client.js';
import { statusCodeOf } from '../test-image/test-image.js';

export interface RemoveTestContainersOptions {
  /** Only this run's containers (e.g. `testRunId`); all test containers when omitted. */
  readonly runId?: string;
  readonly docker?: Docker;
}

/**
 * Force-removes every container carrying the test label (and the run label when given),
 * running or not. Call it from `afterAll`. Returns how many were removed.
 */
export async function removeTestContainers(options: RemoveTestContainersOptions = {}): Promise<number> {
  const docker = options.docker ?? getTestDocker();
  const label = [`${TEST_LABEL}=1`];
  if (options.runId !== undefined) label.push(`${TEST_RUN_LABEL}=${options.runId}`);
  const containers = await docker.listContainers({ all: true, filters: { label } });
  await Promise.all(containers.map((container) => forceRemove(docker, container.Id)));
  return containers.length;
}

/** Removes a container with its anonymous volumes; already gone or being removed is fine. */
export async function forceRemove(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    const status = statusCodeOf(error);
    if (status !== 404 && status !== 409) throw error;
  }
}
