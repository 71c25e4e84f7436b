export interface WaitForHttpOptions {
  /** Give up after this long (default 15 s). */
  readonly timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  readonly intervalMs?: number;
  /** Status that counts as ready (default 200). */
  readonly status?: number;
  /** Stop early when this says the server can no longer come up (e.g. its container exited). */
  readonly giveUp?: () => Promise<string | undefined>;
}

/** Polls `url` until it answers with `status`; throws with the last answer or error otherwise. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<void> {
  const { timeoutMs = 15_000, intervalMs = 100, status = 200 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastOutcome = 'no attempt';
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(2_000, timeoutMs)) });
      await response.body?.cancel();
      if (response.status === status) return;
      lastOutcome = `status ${response.status}`;
    } catch (error) {
      lastOutcome = error instanceof Error ? (causeMessage(error) ?? error.message) : String(error);
    }
    const reason = await options.giveUp?.();
    if (reason !== undefined)
      throw new Error(`${url} will not answer ${status}: ${reason} (last: ${lastOutcome})`);
    if (Date.now() >= deadline) {
      throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${lastOutcome})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function causeMessage(error: Error): string | undefined {
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : undefined;
}
