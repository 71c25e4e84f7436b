import { ContainerRuntimeError } from '@website-monitor/core';

export interface DockerErrorContext {
  /** What we were doing, for the message: `inspect`, `restart`, `events`... */
  readonly operation: string;
  /** The container name or id the caller gave, when the call was about one. */
  readonly container?: string;
  /** `unix:///var/run/docker.sock` or `tcp://host:port`. */
  readonly endpoint: string;
  /** Set when our own deadline fired, since the abort error itself does not say why. */
  readonly timedOutAfterMs?: number;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const timeoutCodes = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED']);

/**
 * Turns whatever dockerode, docker-modem or node:http threw into our one error type. Docker's
 * own JSON message is preferred over docker-modem's "(HTTP code 404) ..." wrapping because it is
 * the one line a person needs.
 */
export function toContainerRuntimeError(error: unknown, context: DockerErrorContext): ContainerRuntimeError {
  if (error instanceof ContainerRuntimeError) return error;
  const subject = context.container === undefined ? '' : ` "${context.container}"`;
  const options = {
    cause: error,
    ...(context.container === undefined ? {} : { container: context.container }),
  };

  if (context.timedOutAfterMs !== undefined) {
    const what =
      context.operation === 'exec'
        ? `the command did not finish within ${context.timedOutAfterMs} ms (Docker cannot stop it: it may still be running)`
        : `Docker did not answer within ${context.timedOutAfterMs} ms (${context.endpoint})`;
    return new ContainerRuntimeError('timeout', `${context.operation}${subject}: ${what}`, options);
  }

  const details = readErrorDetails(error);
  if (details.statusCode === 404) {
    const what = context.container === undefined ? 'not found' : `container${subject} not found`;
    return new ContainerRuntimeError(
      'not_found',
      `${context.operation}: ${what}${details.dockerMessage ? ` (${details.dockerMessage})` : ''}`,
      options,
    );
  }
  if (details.statusCode === 409) {
    return new ContainerRuntimeError(
      'conflict',
      `${context.operation}${subject}: ${details.dockerMessage ?? 'conflict with the container state'}`,
      options,
    );
  }
  if (details.code === 'EACCES') {
    return new ContainerRuntimeError(
      'unreachable',
      `${context.operation}: permission denied on ${context.endpoint}; run as a member of the docker group or point at a socket proxy`,
      { ...options, isRetryable: false },
    );
  }
  if (details.code !== undefined && unreachableCodes.has(details.code)) {
    return new ContainerRuntimeError(
      'unreachable',
      `${context.operation}: no Docker engine answers at ${context.endpoint} (${details.code})`,
      options,
    );
  }
  if ((details.code !== undefined && timeoutCodes.has(details.code)) || details.name === 'TimeoutError') {
    return new ContainerRuntimeError(
      'timeout',
      `${context.operation}${subject}: timed out talking to ${context.endpoint}`,
      options,
    );
  }
  if (details.message === 'socket hang up' || details.code === 'UND_ERR_SOCKET') {
    return new ContainerRuntimeError(
      'unreachable',
      `${context.operation}: the Docker engine at ${context.endpoint} closed the connection`,
      options,
    );
  }
  const status = details.statusCode === undefined ? '' : ` (HTTP ${details.statusCode})`;
  return new ContainerRuntimeError(
    'api',
    `${context.operation}${subject}: Docker answered with an error${status}: ${details.dockerMessage ?? details.message ?? String(error)}`,
    { ...options, isRetryable: details.statusCode !== undefined && details.statusCode >= 500 },
  );
}

interface ErrorDetails {
  readonly statusCode: number | undefined;
  readonly code: string | undefined;
  readonly name: string | undefined;
  readonly message: string | undefined;
  readonly dockerMessage: string | undefined;
}

function readErrorDetails(error: unknown): ErrorDetails {
  if (typeof error !== 'object' || error === null) {
    return {
      statusCode: undefined,
      code: undefined,
      name: undefined,
      message: undefined,
      dockerMessage: undefined,
    };
  }
  const record = error as Record<string, unknown>;
  const json = record.json;
  let dockerMessage: string | undefined;
  if (
    typeof json === 'object' &&
    json !== null &&
    typeof (json as Record<string, unknown>).message === 'string'
  ) {
    dockerMessage = ((json as Record<string, unknown>).message as string).trim();
  } else if (typeof json === 'string' && json.trim() !== '') {
    dockerMessage = json.trim();
  }
  return {
    statusCode: typeof record.statusCode === 'number' ? record.statusCode : undefined,
    code: typeof record.code === 'string' ? record.code : undefined,
    name: typeof record.name === 'string' ? record.name : undefined,
    message: typeof record.message === 'string' ? record.message : undefined,
    dockerMessage: dockerMessage === '' ? undefined : dockerMessage,
  };
}
