/**
 * Loaded into the agent process with `node --import` (see `hostile-agent.ts`), so the event-loop
 * delay is measured inside the agent itself, not in the test process that sends the traffic: a
 * test client busy building a 10 MB body must not count as an agent stall, and an agent stall must
 * not hide behind the client's own timers. Every `intervalMs` it sends the parent, over the IPC
 * channel, the longest delay since the last report and the process's memory. It imports nothing
 * but Node built-ins: it runs before the CLI's source hooks exist.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One report; the parent keeps the worst of each field per batch. */
export interface LoopProbeSample {
  readonly kind: 'loop-probe';
  /** Longest event-loop delay since the previous sample, in ms. */
  readonly maxStallMs: number;
  /** 99th percentile of the delay since the previous sample, in ms. */
  readonly p99StallMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly at: number;
}

const intervalMs = 100;

if (typeof process.send === 'function') {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const sample: LoopProbeSample = {
      kind: 'loop-probe',
      // The histogram records nanoseconds; a loop that never stalled has no samples (max 0).
      maxStallMs: histogram.count > 0 ? histogram.max / 1e6 : 0,
      p99StallMs: histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      at: Date.now(),
    };
    histogram.reset();
    process.send?.(sample);
  }, intervalMs);
  // The probe must never be what keeps a finished agent alive.
  timer.unref();
  process.channel?.unref();
}
