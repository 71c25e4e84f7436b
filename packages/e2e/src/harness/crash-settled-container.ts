import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContainer } from '@website-monitor/test-support';

/** Long enough for the test app's shell to have set its USR1 trap after a (re)start. */
const settleMs = 1_000;

/**
 * `crashContainer` (`kill -USR1 1` inside, exit code `CRASH_EXIT_CODE`) for a container that may
 * have been (re)started a moment ago: a USR1 that arrives before the app's trap is set kills it
 * with another exit code (138), and an exec racing the start fails with 126. Waits until the
 * current run is `settleMs` old first. The exec itself may be killed with the container it just
 * crashed (exit 137): that counts as done once the run it was sent to has ended.
 */
export async function crashSettledContainer(
  container: Pick<TestContainer, 'name' | 'exec' | 'inspect'>,
): Promise<void> {
  const before = (await container.inspect()).State;
  if (!before.Running)
    throw new Error(`${container.name} is ${before.Status}, not running: nothing to crash`);
  const age = Date.now() - Date.parse(before.StartedAt);
  if (age < settleMs) await sleep(settleMs - age);
  const result = await container.exec(['kill', '-USR1', '1']);
  if (result.exitCode === 0) return;
  const after = (await container.inspect()).State;
  const runEnded = !after.Running || after.StartedAt !== before.StartedAt;
  if (result.exitCode === 137 && runEnded) return;
  throw new Error(`kill -USR1 1 in ${container.name} exited ${result.exitCode}: ${result.stderr.trim()}`);
}
