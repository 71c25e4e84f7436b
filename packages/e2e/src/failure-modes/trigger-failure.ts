import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContainer } from '@website-monitor/test-support';

/** Long enough for a (re)started script to have set its USR1 trap. */
const settleMs = 1_000;
/** How long a run killed under our exec may take to show as ended in `inspect`. */
const endVisibleWithinMs = 3_000;

/**
 * Sends USR1 to the container's main process (`kill -USR1 1`, forwarded by Docker's init): the
 * trigger of `waitForTrigger`, and the crash of the test app's `crashOnDemand`. Like
 * `crashContainer`, but an exec killed with the run it ended (exit 137) is accepted once the engine
 * shows the run over, which on a loaded engine can come a moment after the exec's own end.
 */
export async function triggerFailure(
  container: Pick<TestContainer, 'name' | 'exec' | 'inspect'>,
): Promise<void> {
  const before = (await container.inspect()).State;
  if (!before.Running)
    throw new Error(`${container.name} is ${before.Status}, not running: nothing to trigger`);
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
