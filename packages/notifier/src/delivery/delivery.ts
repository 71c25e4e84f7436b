import type { Clock, Logger } from '@website-monitor/core';
import { parseRetryAfter } from '../retry-after/retry-after.js';
import { describeWebhookUrl } from '../webhook-url/webhook-url.js';

/** How often and how patiently a delivery is retried. */
export interface RetryOptions {
  /** Retries after the first attempt (default 4, so 5 attempts at most). */
  readonly retries?: number;
  /** First backoff delay; it doubles each retry (default 500 ms). */
  readonly baseDelayMs?: number;
  /** Cap for one backoff delay and for a honoured Retry-After (default 30 s). */
  readonly maxDelayMs?: number;
}

export interface DeliveryRequest extends RetryOptions {
  readonly url: string;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per attempt, from sending the request to the end of the response (default 5 s). */
  readonly timeoutMs?: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** 0 <= x < 1; injected so jitter is testable. */
  readonly random?: () => number;
  readonly fetch?: typeof globalThis.fetch;
  /** Name used in logs (`webhook`, `slack`, or the configured name). */
  readonly target: string;
}

/** What happened to one notification at one destination. */
export interface DeliveryReport {
  readonly target: string;
  /** The destination's origin only: the full URL is a secret. */
  readonly destination: string;
  readonly ok: boolean;
  readonly attempts: number;
  /** Last HTTP status, if any response came. */
  readonly status?: number;
  /** Why the last attempt failed. */
  readonly error?: string;
}

/**
 * POSTs JSON, retrying network errors, timeouts, 5xx and 429 with exponential backoff and full
 * jitter (a 429's Retry-After wins when present). Other 4xx are final: the request is wrong and
 * sending it again will not help. Never throws.
 */
export async function deliverWebhook(request: DeliveryRequest): Promise<DeliveryReport> {
  const retries = request.retries ?? 4;
  const baseDelayMs = request.baseDelayMs ?? 500;
  const maxDelayMs = request.maxDelayMs ?? 30_000;
  const timeoutMs = request.timeoutMs ?? 5_000;
  const random = request.random ?? Math.random;
  const doFetch = request.fetch ?? globalThis.fetch;
  const destination = describeWebhookUrl(request.url);
  const body = JSON.stringify(request.body);

  let status: number | undefined;
  let error: string | undefined;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    let retryAfterMs: number | undefined;
    const outcome = await attemptOnce(doFetch, request.url, body, request.headers, timeoutMs);
    status = outcome.status;
    if (outcome.kind === 'ok') {
      request.logger.log('debug', 'notification_delivered', {
        target: request.target,
        destination,
        attempt,
        status,
      });
      return { target: request.target, destination, ok: true, attempts: attempt, status };
    }
    error = outcome.error;
    if (outcome.kind === 'final') {
      request.logger.log('warn', 'notification_rejected', {
        target: request.target,
        destination,
        attempt,
        status,
        error,
      });
      return { target: request.target, destination, ok: false, attempts: attempt, status, error };
    }
    if (outcome.status === 429) retryAfterMs = parseRetryAfter(outcome.retryAfter, request.clock.now());
    if (attempt > retries) break;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.min(maxDelayMs, retryAfterMs ?? Math.round(backoff * random()));
    request.logger.log('debug', 'notification_retry', {
      target: request.target,
      destination,
      attempt,
      error,
      delayMs,
    });
    await request.clock.sleep(delayMs);
  }
  request.logger.log('warn', 'notification_failed', {
    target: request.target,
    destination,
    attempts: retries + 1,
    status,
    error,
  });
  return { target: request.target, destination, ok: false, attempts: retries + 1, status, error };
}

type AttemptOutcome =
  | { readonly kind: 'ok'; readonly status: number }
  | {
      readonly kind: 'retry' | 'final';
      readonly status?: number;
      readonly error: string;
      readonly retryAfter?: string | null;
    };

async function attemptOnce(
  doFetch: typeof globalThis.fetch,
  url: string,
  body: string,
  headers: Readonly<Record<string, string>> | undefined,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'website-monitor', ...headers },
      body,
      signal,
      redirect: 'error',
    });
    // Read the body so the connection is released, within the same timeout.
    await response.arrayBuffer();
    if (response.ok) return { kind: 'ok', status: response.status };
    const error = `HTTP ${response.status}`;
    if (response.status === 429 || response.status >= 500) {
      return {
        kind: 'retry',
        status: response.status,
        error,
        retryAfter: response.headers.get('retry-after'),
      };
    }
    return { kind: 'final', status: response.status, error };
  } catch (cause) {
    if (signal.aborted) return { kind: 'retry', error: `timeout after ${timeoutMs} ms` };
    return { kind: 'retry', error: networkErrorMessage(cause) };
  }
}

/** undici wraps the useful part (ECONNREFUSED...) in `cause`; never include the URL. */
function networkErrorMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
