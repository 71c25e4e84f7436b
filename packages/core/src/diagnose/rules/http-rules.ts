import type { DiagnosisRule } from '../diagnosis-rule.js';
import { countLogLinesWith } from '../log-patterns.js';
import { slowResponseMs } from './rule-context.js';

export { slowResponseMs } from './rule-context.js';

export const rateLimitedRule: DiagnosisRule = {
  name: 'rate_limited',
  match(context) {
    if (context.verdict.metrics.httpStatus !== 429) return undefined;
    return {
      cause: 'rate_limited',
      diagnosis: `${context.incident.containerName} answers 429 Too Many Requests`,
      recommendedAction: 'manual',
      urgency: 'low',
      confidence: 70,
      reasoning:
        'HTTP 429 is rate limiting: the service protects itself and works as designed. A restart does not change the traffic; a person should look at the limits or the callers.',
    };
  },
};

/** Error lines in the tail that, with a 5xx, make a storm rather than one failed request. */
export const errorStormLineCount = 20;
const errorLinePatterns = ['error', 'exception', 'traceback', 'panic', ' 500 ', ' 502 ', ' 503 '] as const;

/** Many failing requests at once: the process is broken for everyone, not one request. */
export const errorStormRule: DiagnosisRule = {
  name: 'error_storm',
  match(context) {
    const status = context.verdict.metrics.httpStatus;
    if (status === undefined || status < 500 || status > 599) return undefined;
    const errorLines = countLogLinesWith(context.logTail, errorLinePatterns);
    if (errorLines < errorStormLineCount) return undefined;
    return {
      cause: 'server_errors',
      diagnosis: `5xx storm: ${context.incident.containerName} fails most requests (HTTP ${status})`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 70,
      reasoning: `HTTP ${status} and ${errorLines} error lines in the log tail: the process fails requests wholesale, which a restart usually clears. If it returns at once, suspect the release.`,
    };
  },
};

export const serverErrorRule: DiagnosisRule = {
  name: 'server_error',
  match(context) {
    const status = context.verdict.metrics.httpStatus;
    if (status === undefined || status < 500 || status > 599) return undefined;
    return {
      cause: 'server_errors',
      diagnosis: `Server error: ${context.incident.containerName} answers HTTP ${status}`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
      reasoning: `HTTP ${status} means the application failed to handle the probe, and no dependency is down. A restart clears a broken in-process state; a bug in the release would come back.`,
    };
  },
};

export const slowResponseRule: DiagnosisRule = {
  name: 'slow_response',
  match(context) {
    const time = context.verdict.metrics.responseTimeMs;
    const slow = time !== undefined && time > slowResponseMs;
    if (!slow && !context.verdict.problems.some((problem) => problem.kind === 'slow_response'))
      return undefined;
    return {
      // Above the seed's 10 s it is a timeout; a per-container threshold below that, slowness.
      cause: slow ? 'timeout' : 'slow_response',
      diagnosis: `${slow ? 'Timeout' : 'Slow responses'}: ${context.incident.containerName} responds slowly${time === undefined ? '' : ` (${Math.round(time)} ms)`}`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 60,
      reasoning:
        'Responses this slow usually mean stuck workers or an exhausted pool inside the process, which a restart clears; heavy load would make it slow again.',
    };
  },
};

export const noResponseRule: DiagnosisRule = {
  name: 'no_response',
  match(context) {
    const { metrics, problems } = context.verdict;
    const failedWithoutAnswer =
      problems.some((problem) => problem.kind === 'http_failed') && metrics.httpStatus === undefined;
    if (!failedWithoutAnswer || metrics.state !== 'running') return undefined;
    // The probe's own words (ours: "timeout after 5000ms", "ECONNREFUSED") tell a hang from a dead server.
    const timedOut = problems.some(
      (problem) =>
        problem.kind === 'http_failed' && /\btime(?:d)? ?out\b/i.test(problem.message.slice(0, 512)),
    );
    return {
      cause: timedOut ? 'timeout' : 'crash',
      diagnosis: timedOut
        ? `${context.incident.containerName} is running but its health endpoint times out`
        : `${context.incident.containerName} is running but its health endpoint does not answer`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 65,
      reasoning:
        'The container runs but nothing answers on its health endpoint (refused or timed out): the server inside has died or hung, and a restart brings it back.',
    };
  },
};
