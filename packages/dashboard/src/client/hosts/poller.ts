/** What the poller watches for visibility: `document` in the page, a stand-in in tests. */
export interface VisibilitySource {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export interface Poller {
  /** Runs now (after the run in flight, if any) and restarts the interval from there. */
  refresh(): void;
  stop(): void;
}

/** How often other hosts are read: their agents report to the store about as often. */
export const pollIntervalMs = 10_000;

/**
 * Calls `run` at once and then `intervalMs` after each run ends, never two at a time, and only
 * while the page is visible: a hidden tab makes no requests, and becoming visible again reads at
 * once instead of waiting out the interval.
 */
export function startPoller(options: {
  readonly intervalMs?: number;
  readonly run: () => Promise<void>;
  readonly visibility: VisibilitySource;
}): Poller {
  const intervalMs = options.intervalMs ?? pollIntervalMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  const tick = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || options.visibility.hidden) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await options.run();
    } catch {
      // The run reports its own errors; polling goes on.
    } finally {
      running = false;
    }
    if (stopped) return;
    if (again) {
      again = false;
      void tick();
    } else if (!options.visibility.hidden) {
      timer = setTimeout(() => void tick(), intervalMs);
    }
  };

  const onVisibility = () => {
    if (options.visibility.hidden) {
      clearTimeout(timer);
      timer = undefined;
    } else if (timer === undefined && !running) {
      void tick();
    }
  };
  options.visibility.addEventListener('visibilitychange', onVisibility);
  void tick();
  return {
    refresh: () => void tick(),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      options.visibility.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
