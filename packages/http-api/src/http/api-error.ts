/** Codes of the JSON error body `{ error: { code, message } }`, one per HTTP status we use. */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'misdirected'
  | 'unprocessable'
  | 'too_many_requests'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ApiErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  misdirected: 421,
  unprocessable: 422,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * A request the API refuses, with the status and one readable sentence for the caller; `toBody()`
 * is the JSON error body every refusal of the API has.
 *
 * @example
 * ```ts
 * import { ApiError } from '@website-monitor/http-api';
 *
 * const error = new ApiError('not_found', 'no container named web');
 * error.status; // 404
 * error.toBody(); // { error: { code: 'not_found', message: 'no container named web' } }
 * ```
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  /** Extra fields for the error body (e.g. the policy's decision). */
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    options?: { details?: Record<string, unknown>; headers?: Record<string, string> },
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = statusOf[code];
    this.details = options?.details;
    this.headers = options?.headers;
  }

  toBody(): { error: { code: ApiErrorCode; message: string } & Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
