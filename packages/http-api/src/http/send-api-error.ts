import type { ServerResponse } from 'node:http';
import type { ApiError } from './api-error.js';

/**
 * Writes an `ApiError` as the API's JSON error body, for answers given before a request reaches
 * the API's router (a foreign Host, a throttled client, a server that is stopping). A response
 * already under way cannot change its status: the connection is cut instead.
 */
export function sendApiError(
  response: ServerResponse,
  error: ApiError,
  options: { readonly closeConnection?: boolean } = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(error.toBody());
  response.writeHead(error.status, {
    ...error.headers,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(options.closeConnection ? { connection: 'close' } : {}),
  });
  response.end(text);
}
