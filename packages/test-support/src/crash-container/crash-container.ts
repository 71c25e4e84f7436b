import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContainer } from '../test-container/test-container.js';

/** Long enough for the test app's shell to have set its USR1 trap after a (re)start. */
const settleMs = 1_000;
/** How long a run killed under our exec may take to show as ended in `inspect` (a loaded engine lags). */
const endVisibleWithinMs = 3_000;

/**
 * Makes the test app exit with its `EXIT_CODE` now, from inside: `kill -USR1 1` reaches the app
 * through Docker's init, and the app's exit timer handler ends it. For Docker this is a crash: a
 * `die` with no `kill` before it (a `docker kill` would look like a person stopping it). The
 * container must have been started with `exitAfterSeconds` set (any value), which arms that
 * handler.
 *
 * The container may have been (re)started a moment ago: a USR1 that arrives before the app's trap
 * is set kills it with another exit code (138), and an exec racing the start fails with 126, so
 * this waits until the current run is `settleMs` old first. The exec itself may be killed with
 * the container it just crashed (exit 137): that counts as done once the engine shows the run it
 * was sent to as ended, which on a loaded engine can come a moment after the exec's own end.
 */
export async function crashContainer(
  container: Pick<TestContainer, 'name' | 'exec' | 'inspect'>,
): Promise<void> {
  const before = (await container.inspect()).State;
  if (!before.Running)
    throw new Error(`${container.name} is ${before.Status}, not running: nothing to crash`);
  const age = Date.now() - Date.parse(before.StartedAt);
  if (age < settleMs) await sleep(settleMs - age);
  const result = await container.exec(['kill', '-USR1', '1']);
  if (result.exitCode === 0) return;
  if (result.exitCode === 137) {
    const deadline = Date.now() + endVisibleWithinMs;
    while (Date.now() < deadline) {
      const after = (await container.inspect()).State;
      if (!after.Running || after.StartedAt !== before.StartedAt) return;
      await sleep(50);
    }
  }
  throw new Error(`kill -USR1 1 in ${container.name} exited ${result.exitCode}: ${result.stderr.trim()}`);
}

/** Exit code of every crash the tests cause; chosen to stand out from 0, 137 and 143. */
export const CRASH_EXIT_CODE = 3;

/** Behaviour of a test app that runs until `crashContainer` makes it exit with `CRASH_EXIT_CODE`. */
export const crashOnDemand = { exitAfterSeconds: 3600, exitCode: CRASH_EXIT_CODE } as const;
