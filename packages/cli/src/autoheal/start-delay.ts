import type { Logger } from '@website-monitor/core';

/**
 * autoheal's `AUTOHEAL_START_PERIOD`: nothing is watched until it has passed (on a host's boot,
 * containers get the time to come up before anyone judges them). A stop during the wait ends it:
 * resolves `stopped`, and the agent is never started.
 */
export async function waitBeforeFirstCheck({
  seconds,
  stopRequested,
  logger,
}: {
  seconds: number;
  stopRequested: Promise<unknown>;
  logger: Logger;
}): Promise<'elapsed' | 'stopped'> {
  if (seconds <= 0) return 'elapsed';
  logger.log('info', 'start_delayed', { seconds, reason: 'AUTOHEAL_START_PERIOD' });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      stopRequested.then(() => 'stopped' as const),
      new Promise<'elapsed'>((resolve) => {
        timer = setTimeout(() => resolve('elapsed'), seconds * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
