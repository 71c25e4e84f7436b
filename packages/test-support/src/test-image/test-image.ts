import type Docker from 'dockerode';
import { getTestDocker } from '../docker-client/docker-client.js';
import { TestEnvironmentError } from './test-environment-error.js';

/** The local image built by `test-image/build.sh` (no registry: `docker import` of a busybox rootfs). */
export const TEST_IMAGE = 'website-monitor-test:local';
/** Port the test app listens on inside the container. */
export const TEST_APP_PORT = 8080;

const checked = new WeakSet<Docker>();

/**
 * Throws a TestEnvironmentError saying to run `scripts/setup.sh` when the engine does not answer
 * or the test image is missing. The answer is cached per client.
 */
export async function ensureTestImage(docker: Docker = getTestDocker()): Promise<void> {
  if (checked.has(docker)) return;
  try {
    await docker.getImage(TEST_IMAGE).inspect();
  } catch (error) {
    if (statusCodeOf(error) === 404) {
      throw new TestEnvironmentError(
        `The test image ${TEST_IMAGE} is missing: run scripts/setup.sh (it builds it with docker import).`,
      );
    }
    if (statusCodeOf(error) === undefined) {
      const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
      throw new TestEnvironmentError(
        `The Docker engine at ${where} does not answer (${messageOf(error)}): run scripts/setup.sh to start it.`,
      );
    }
    throw error;
  }
  checked.add(docker);
}

export function statusCodeOf(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
