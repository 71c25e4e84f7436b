import { ContainerRuntimeError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { toContainerRuntimeError } from './to-container-runtime-error.js';

const endpoint = 'unix:///var/run/docker.sock';

/** The shape docker-modem gives a non-2xx answer. */
function modemError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {
    statusCode,
    json: { message },
  });
}

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
}

describe('toContainerRuntimeError', () => {
  it('maps 404 to not_found naming the container, keeping the cause', () => {
    const cause = modemError(404, 'No such container: web');
    const error = toContainerRuntimeError(cause, { operation: 'inspect', container: 'web', endpoint });
    expect(error).toBeInstanceOf(ContainerRuntimeError);
    expect(error).toMatchObject({ kind: 'not_found', container: 'web', isRetryable: false, cause });
    expect(error.message).toBe('inspect: container "web" not found (No such container: web)');
  });

  it('maps a refused or missing socket to unreachable naming the socket', () => {
    for (const code of ['ECONNREFUSED', 'ENOENT']) {
      const error = toContainerRuntimeError(systemError(code), { operation: 'list', endpoint });
      expect(error).toMatchObject({ kind: 'unreachable', isRetryable: true });
      expect(error.message).toBe(`list: no Docker engine answers at ${endpoint} (${code})`);
    }
  });

  it('maps EACCES to unreachable that is not worth retrying, with the fix', () => {
    const error = toContainerRuntimeError(systemError('EACCES'), { operation: 'ping', endpoint });
    expect(error).toMatchObject({ kind: 'unreachable', isRetryable: false });
    expect(error.message).toMatch(/permission denied on unix:\/\/\/var\/run\/docker.sock/);
  });

  it('maps 409 to conflict with Docker’s own words', () => {
    const error = toContainerRuntimeError(modemError(409, 'Container abc is not running'), {
      operation: 'exec',
      container: 'web',
      endpoint,
    });
    expect(error).toMatchObject({ kind: 'conflict' });
    expect(error.message).toBe('exec "web": Container abc is not running');
  });

  it('maps our own deadline and socket timeouts to timeout', () => {
    const deadline = toContainerRuntimeError(new DOMException('aborted', 'AbortError'), {
      operation: 'stats',
      container: 'web',
      endpoint,
      timedOutAfterMs: 5000,
    });
    expect(deadline).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(deadline.message).toBe(`stats "web": Docker did not answer within 5000 ms (${endpoint})`);
    expect(toContainerRuntimeError(systemError('ETIMEDOUT'), { operation: 'list', endpoint }).kind).toBe(
      'timeout',
    );
  });

  it('maps anything else to api, retryable only for 5xx', () => {
    const serverError = toContainerRuntimeError(modemError(500, 'driver failed'), {
      operation: 'restart',
      container: 'db',
      endpoint,
    });
    expect(serverError).toMatchObject({ kind: 'api', isRetryable: true });
    expect(serverError.message).toBe('restart "db": Docker answered with an error (HTTP 500): driver failed');
    expect(
      toContainerRuntimeError(modemError(400, 'bad parameter'), { operation: 'list', endpoint }),
    ).toMatchObject({
      kind: 'api',
      isRetryable: false,
    });
  });

  it('passes a ContainerRuntimeError through unchanged', () => {
    const original = new ContainerRuntimeError('conflict', 'already');
    expect(toContainerRuntimeError(original, { operation: 'start', endpoint })).toBe(original);
  });
});
