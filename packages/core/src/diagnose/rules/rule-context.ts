// What the rules ask of a context, in one place: is it down, failing, in a loop; and the words a
// diagnosis starts with ("api cannot start", "worker crashed with exit code 1", "web answers HTTP 500").
import type { ProblemKind } from '../../domain/health.js';
import type { DiagnosisContext } from '../../ports/diagnoser.js';
import type { LogEvidence, LogFinding } from '../log-evidence.js';
import { readLogEvidence } from '../log-evidence.js';
import type { LogCause } from '../log-signatures.js';

/** Restarts by the agent within the hour that make a crash loop. */
export const crashLoopRestartCount = 3;
/** The seed's "response time > 10 s = timeout". */
export const slowResponseMs = 10_000;

export const hasProblem = (context: DiagnosisContext, kind: ProblemKind): boolean =>
  context.verdict.problems.some((problem) => problem.kind === kind);

export const exitCodeOf = (context: DiagnosisContext): number | null =>
  context.verdict.metrics.exitCode ?? context.container?.exitCode ?? null;

/** Stopped, restarting or looping: not a running service. */
export const isDown = (context: DiagnosisContext): boolean =>
  context.verdict.metrics.state !== 'running' ||
  hasProblem(context, 'container_stopped') ||
  hasProblem(context, 'crash_loop') ||
  hasProblem(context, 'oom_killed');

/** Restarted three times within the hour by the agent, or seen looping by the checks. */
export const inCrashLoop = (context: DiagnosisContext): boolean =>
  context.recentRestarts >= crashLoopRestartCount || hasProblem(context, 'crash_loop');

/** Running, but its health endpoint gives no answer at all (refused, reset, timed out). */
export const answersNothing = (context: DiagnosisContext): boolean =>
  context.verdict.metrics.state === 'running' &&
  hasProblem(context, 'http_failed') &&
  context.verdict.metrics.httpStatus === undefined;

const serviceFailures: readonly ProblemKind[] = [
  'http_failed',
  'slow_response',
  'docker_unhealthy',
  'response_time_anomaly',
  'custom_error',
];

/**
 * Down, or failing the way a log line can explain (HTTP, slowness, its HEALTHCHECK). A memory or
 * CPU finding alone is not explained by an error line: it is judged on its figures.
 */
export const isFailing = (context: DiagnosisContext): boolean =>
  isDown(context) || serviceFailures.some((kind) => hasProblem(context, kind));

/** The first log line naming `cause`, when the container is failing. */
export function logFinding(context: DiagnosisContext, cause: LogCause): LogFinding | undefined {
  return readLogEvidence(context).findings.get(cause);
}

/**
 * How a diagnosis begins. `atStart` for causes that keep a process from starting (config, port,
 * missing binary): "api cannot start". Otherwise what the checks saw: "worker crashed with exit
 * code 1", "web answers HTTP 500", "web does not answer its health check".
 */
export function subjectOf(context: DiagnosisContext, options: { readonly atStart?: boolean } = {}): string {
  const name = context.incident.containerName;
  const { metrics } = context.verdict;
  if (isDown(context)) {
    if (options.atStart) return `${name} cannot start`;
    const exitCode = exitCodeOf(context);
    if (exitCode === null) return `${name} stopped`;
    return exitCode === 0 ? `${name} exited` : `${name} crashed with exit code ${exitCode}`;
  }
  if (hasProblem(context, 'http_failed')) {
    if (metrics.httpStatus === undefined) return `${name} does not answer its health check`;
    if (metrics.httpStatus >= 400) return `${name} answers HTTP ${metrics.httpStatus}`;
  }
  if (hasProblem(context, 'slow_response') || (metrics.responseTimeMs ?? 0) > slowResponseMs) {
    return `${name} responds slowly`;
  }
  if (hasProblem(context, 'docker_unhealthy')) return `${name} fails its HEALTHCHECK`;
  return name;
}

/**
 * A "cannot start" detail with the exit code, when there is a non-zero one: "port 8080 is already
 * in use (EADDRINUSE, exit code 1)", "missing required environment variable X (exit code 78)".
 */
export function withExitCode(detail: string, context: DiagnosisContext): string {
  const exitCode = exitCodeOf(context);
  if (!isDown(context) || exitCode === null || exitCode === 0) return detail;
  return detail.endsWith(')')
    ? `${detail.slice(0, -1)}, exit code ${exitCode})`
    : `${detail} (exit code ${exitCode})`;
}

/** `The log tail contains "no space left on device" (line 3 of 40)`: our phrase, never the line. */
export function quoteEvidence(finding: LogFinding, evidence: LogEvidence): string {
  return finding.source === 'engine'
    ? `The engine's error message for the container contains "${finding.signature.pattern}"`
    : `The log tail contains "${finding.signature.pattern}" (line ${finding.line + 1} of ${evidence.lines})`;
}
