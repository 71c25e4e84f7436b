import type { HealingContext, HealingOutcome } from '../healing-strategy.js';
import { errorMessage } from './outcome-text.js';

/** Docker's own default and the seed's: long enough for a clean shutdown, short enough to heal. */
export const defaultStopTimeoutSeconds = 10;

/**
 * Graceful restart of `context.container`, then an inspect: a restart call that returns is not
 * proof the process came back (it may exit at once), so the outcome reports what Docker sees.
 */
export async function restartAndVerify(context: HealingContext, purpose: string): Promise<HealingOutcome> {
  const { container, runtime } = context;
  if (context.signal.aborted) {
    return { ok: false, changedContainer: false, detail: `did not restart ${container.name}: cancelled` };
  }
  const timeoutSeconds =
    Number.isFinite(context.stopTimeoutSeconds) && context.stopTimeoutSeconds >= 0
      ? context.stopTimeoutSeconds
      : defaultStopTimeoutSeconds;
  const startedBefore = container.startedAt;

  try {
    await runtime.restart({ id: container.id, timeoutSeconds });
  } catch (error) {
    // A failed restart may still have stopped the container, so it counts as a change.
    return {
      ok: false,
      changedContainer: true,
      detail: `restart of ${container.name} failed: ${errorMessage(error)}`,
    };
  }

  let after: Awaited<ReturnType<typeof runtime.inspect>>;
  try {
    after = await runtime.inspect({ id: container.id, signal: context.signal });
  } catch (error) {
    return {
      ok: false,
      changedContainer: true,
      detail: `restarted ${container.name} (${purpose}) but could not inspect it afterwards: ${errorMessage(error)}`,
    };
  }

  if (after.state !== 'running') {
    const exit = after.exitCode === null ? '' : `, exit code ${after.exitCode}`;
    return {
      ok: false,
      changedContainer: true,
      detail: `restarted ${container.name} (${purpose}) but it is ${after.state}${exit}`,
    };
  }
  const startNote =
    after.startedAt !== null && after.startedAt !== startedBefore
      ? `started at ${after.startedAt} (was ${startedBefore ?? 'never'})`
      : `start time unchanged (${after.startedAt ?? 'unknown'}): the engine may not have restarted it`;
  return {
    ok: true,
    changedContainer: true,
    detail: `restarted ${container.name} (${purpose}, stop timeout ${timeoutSeconds} s); running, ${startNote}`,
  };
}
