import type { Clock } from '../ports/clock.js';

export interface RunPeriodicallyOptions {
  readonly clock: Clock;
  /** From the start of one run to the start of the next. */
  readonly intervalMs: number;
  /** Stops the loop; also handed to the task so a run in progress can stop early. */
  readonly signal: AbortSignal;
  readonly task: (signal: AbortSignal) => void | Promise<void>;
  /** Told about each failed run; the loop goes on regardless. */
  readonly onError: (error: unknown) => void;
  /**
   * Wait a random part of this before the first run. kubelet does the same for each probe worker
   * so that many checks (or many agents) started together do not fire in lockstep forever.
   */
  readonly jitterMs?: number;
  /** For tests; `Math.random` by default. */
  readonly random?: () => number;
}

/**
 * Runs `task` every `intervalMs` until `signal` aborts; resolves then, never rejects.
 *
 * Runs never overlap: a run that takes longer than the interval is followed at once by the next,
 * and the cadence is measured start to start, so a 2 s pass every 30 s stays on its 30 s beat
 * rather than drifting to 32. A failing run is the caller's to log (`onError`) and is not the end
 * of the loop: a watchdog that dies silently on one bad pass is exactly what users complain about.
 */
export async function runPeriodically(options: RunPeriodicallyOptions): Promise<void> {
  const { clock, intervalMs, signal, task, onError } = options;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
  }
  const random = options.random ?? Math.random;
  const jitterMs = options.jitterMs ?? 0;

  if (jitterMs > 0 && !(await sleep(clock, Math.floor(random() * jitterMs), signal))) return;
  while (!signal.aborted) {
    const startedAt = clock.now();
    try {
      await task(signal);
    } catch (error) {
      if (signal.aborted) return;
      try {
        onError(error);
      } catch {
        // A broken error handler must not end the loop it reports on.
      }
    }
    const elapsed = clock.now() - startedAt;
    if (!(await sleep(clock, Math.max(0, intervalMs - elapsed), signal))) return;
  }
}

/** False when aborted. */
async function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}
