import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';

/** Label carried by every container the helpers start; `removeTestContainers` finds them by it. */
export const TEST_LABEL = 'website-monitor-test';
/** Label naming the test run (one per test file process unless WM_TEST_RUN_ID is set). */
export const TEST_RUN_LABEL = 'website-monitor-test.run';

/** Id of this test run: containers started here carry it, so one file cleans up only its own. */
export const testRunId: string = process.env.WM_TEST_RUN_ID ?? randomBytes(4).toString('hex');

let sharedDocker: Docker | undefined;

/** One dockerode client per process, built from DOCKER_HOST or /var/run/docker.sock. */
export function getTestDocker(): Docker {
  sharedDocker ??= new Docker();
  return sharedDocker;
}
