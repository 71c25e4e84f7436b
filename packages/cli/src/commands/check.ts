import { type ContainerRuntime, checkContainerHealth, type HttpProber } from '@website-monitor/core';
import { usageError } from '../errors/describe-user-error.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io/cli-io.js';
import { formatCheckReport } from './check-report.js';

export interface CheckOptions {
  readonly endpoint?: string;
  /** Seconds, as typed. */
  readonly timeout?: string;
  readonly json?: boolean;
}

export interface CheckDeps {
  readonly runtime: ContainerRuntime;
  readonly prober?: HttpProber;
}

/**
 * `website-monitor check NAME`: one check of one container, printed for a person or as JSON.
 * Exit 0 healthy, 1 unhealthy; an unknown container or no engine is a user error (exit 2, by the
 * caller).
 */
export async function checkCommand(
  name: string,
  options: CheckOptions,
  io: CliIo,
  deps: CheckDeps,
): Promise<number> {
  const healthEndpoint = options.endpoint === undefined ? undefined : parseEndpoint(options.endpoint);
  const timeoutMs = options.timeout === undefined ? undefined : parseTimeoutSeconds(options.timeout) * 1000;
  const result = await checkContainerHealth({
    runtime: deps.runtime,
    name,
    ...(healthEndpoint === undefined ? {} : { healthEndpoint }),
    ...(deps.prober === undefined ? {} : { prober: deps.prober }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  const report = {
    name,
    healthy: result.healthy,
    status: result.status,
    metrics: result.metrics,
    problems: result.problems,
  };
  io.stdout(options.json ? `${JSON.stringify(report)}\n` : formatCheckReport(report));
  return report.healthy ? exitCodes.ok : exitCodes.unhealthy;
}

function parseEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`--endpoint must be an http(s) URL; got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--endpoint must be an http(s) URL; got "${text}"`);
  }
  return text;
}

function parseTimeoutSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || text.trim() === '') {
    throw usageError(`--timeout must be a number of seconds above 0; got "${text}"`);
  }
  return seconds;
}
