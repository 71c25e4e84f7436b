import type * as Sdk from '@anthropic-ai/sdk';
import { ClaudeDiagnoserError } from './claude-diagnoser-error.js';

/** The SDK's error classes, passed in: the SDK module is loaded lazily, at the first call. */
export type SdkErrorClasses = Pick<
  typeof Sdk,
  'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIError' | 'APIUserAbortError' | 'RateLimitError'
>;

export interface FailureCircumstances {
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  /** True when our own deadline, not the caller, aborted the call. */
  readonly deadlineExpired: boolean;
}

/**
 * Turns whatever the SDK threw into one short reason. Classes are checked first; a client from
 * another install of the SDK fails `instanceof`, so the status and name are checked as well.
 * Anything it does not recognise is rethrown as it is: a bug keeps its stack.
 */
export function toClaudeDiagnoserError(
  error: unknown,
  sdk: SdkErrorClasses,
  circumstances: FailureCircumstances,
): ClaudeDiagnoserError {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, RateLimitError } = sdk;
  if (error instanceof ClaudeDiagnoserError) return error;
  const name = error instanceof Error ? error.name : '';
  const status = error instanceof APIError ? error.status : (error as { status?: unknown } | null)?.status;
  const requestId = error instanceof APIError ? (error.requestID ?? undefined) : undefined;

  if (error instanceof APIUserAbortError || name === 'APIUserAbortError' || name === 'AbortError') {
    return circumstances.deadlineExpired
      ? new ClaudeDiagnoserError('deadline', `deadline exceeded after ${circumstances.deadlineMs}ms`, {
          cause: error,
        })
      : new ClaudeDiagnoserError('aborted', 'aborted: the caller stopped waiting', { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError || name === 'APIConnectionTimeoutError') {
    return new ClaudeDiagnoserError('timeout', `timeout after ${circumstances.timeoutMs}ms`, {
      cause: error,
    });
  }
  if (error instanceof RateLimitError || status === 429) {
    const retryAfterMs = retryAfterMsOf(error);
    return new ClaudeDiagnoserError(
      'rate_limited',
      retryAfterMs === undefined
        ? 'rate_limited'
        : `rate_limited (retry after ${Math.ceil(retryAfterMs / 1000)}s)`,
      { cause: error, requestId },
    );
  }
  if (typeof status === 'number') {
    const type = error instanceof APIError && error.type ? ` (${error.type})` : '';
    return new ClaudeDiagnoserError('api_error', `api_error ${status}${type}`, { cause: error, requestId });
  }
  if (error instanceof APIConnectionError || name === 'APIConnectionError') {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new ClaudeDiagnoserError('connection_error', `connection_error${cause}`, { cause: error });
  }
  if (error instanceof SyntaxError) {
    // The SDK parses the body with response.json(): a 200 that is not JSON lands here.
    return new ClaudeDiagnoserError('invalid_answer', 'invalid_answer: malformed JSON in the response', {
      cause: error,
    });
  }
  throw error;
}

/** `retry-after-ms` or `retry-after` (seconds or an HTTP date) from an API error's headers. */
export function retryAfterMsOf(error: unknown): number | undefined {
  const headers = (error as { headers?: unknown } | null)?.headers;
  if (!(headers instanceof Headers)) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
