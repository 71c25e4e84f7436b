/**
 * What testcontainers reads from the environment, set when this module is imported: before any
 * test can start a container, since testcontainers reads both the first time it starts one and
 * keeps the answer for the process. A value already in the environment is kept.
 *
 * - `TESTCONTAINERS_RYUK_DISABLED=true`: no Ryuk reaper container. It would have to be pulled
 *   (no registry here), and it is not needed: every container the helpers start carries
 *   `TEST_LABEL` and `TEST_RUN_LABEL`, and `removeTestContainers` removes them by those labels.
 * - `TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1`: the address testcontainers sends its HTTP wait to
 *   and looks mapped ports up for. Tests talk to 127.0.0.1 only and publish ports there only;
 *   without it, testcontainers running inside a container (`/.dockerenv`) would use the bridge
 *   gateway instead, where nothing is published.
 */
export const testcontainersEnvironment = {
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
} as const;

for (const [name, value] of Object.entries(testcontainersEnvironment)) {
  process.env[name] ??= value;
}
