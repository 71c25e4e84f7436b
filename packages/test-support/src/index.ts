// First: testcontainers must see its environment (no Ryuk, host 127.0.0.1) before it starts anything.
import './testcontainers-environment/testcontainers-environment.js';

export type { ContainerLogs } from './container-logs/container-logs.js';
export { demuxDockerStream } from './container-logs/container-logs.js';
export { CRASH_EXIT_CODE, crashContainer, crashOnDemand } from './crash-container/crash-container.js';
export { getTestDocker, TEST_LABEL, TEST_RUN_LABEL, testRunId } from './docker-client/docker-client.js';
export type { RemoveTestContainersOptions } from './remove-test-containers/remove-test-containers.js';
export { removeTestContainers } from './remove-test-containers/remove-test-containers.js';
export type { HealthMode, TestAppBehaviour } from './test-app-behaviour/test-app-behaviour.js';
export { testAppEnv, testAppEnvironment } from './test-app-behaviour/test-app-behaviour.js';
export type {
  TestAppReadiness,
  TestHealthcheck,
  TestRestartPolicy,
} from './test-app-container/test-app-container.js';
export { TestAppContainer } from './test-app-container/test-app-container.js';
export type { ExecResult, TestContainer, TestContainerOptions } from './test-container/test-container.js';
export { startTestContainer } from './test-container/test-container.js';
export { TestEnvironmentError } from './test-image/test-environment-error.js';
export { ensureTestImage, TEST_APP_PORT, TEST_IMAGE } from './test-image/test-image.js';
export type { WaitForHttpOptions } from './wait-for-http/wait-for-http.js';
export { waitForHttp } from './wait-for-http/wait-for-http.js';
