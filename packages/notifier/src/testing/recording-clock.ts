import type { Clock } from '@website-monitor/core';

/** Real time for `now`, but sleeps return at once and are recorded: backoff delays become assertable. */
export function recordingClock(): Clock & { readonly sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}
