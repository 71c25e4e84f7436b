import type { TestContainer } from '@website-monitor/test-support';

/**
 * Makes the test app exit with its `EXIT_CODE` now, from inside: `kill -USR1 1` reaches the app
 * through Docker's init, and the app's exit timer handler ends it. For Docker this is a crash: a
 * `die` with no `kill` before it (a `docker kill` would look like a person stopping it). The
 * container must have been started with `exitAfterSeconds` set (any value), which arms that
 * handler.
 */
export async function crashContainer(container: TestContainer): Promise<void> {
  const before = await container.inspect();
  const result = await container.exec(['kill', '-USR1', '1']);
  if (result.exitCode === 0) return;
  // 137: the app exited before `kill` itself did, and Docker killed the exec with its container.
  // That is the crash asked for, provided the container did die after this call began.
  if (result.exitCode === 137) {
    const after = await container.inspect();
    if (Date.parse(after.State.FinishedAt) > Date.parse(before.State.StartedAt)) return;
  }
  throw new Error(`kill -USR1 1 in ${container.name} exited ${result.exitCode}: ${result.stderr.trim()}`);
}

/** Exit code of every crash the tests cause; chosen to stand out from 0, 137 and 143. */
export const CRASH_EXIT_CODE = 3;

/** Behaviour of a test app that runs until `crashContainer` makes it exit with `CRASH_EXIT_CODE`. */
export const crashOnDemand = { exitAfterSeconds: 3600, exitCode: CRASH_EXIT_CODE } as const;
