import { failureCauseTraits } from '../../domain/failure-cause.js';
import type { DiagnosisContext } from '../../ports/diagnoser.js';
import type { DiagnosisRule } from '../diagnosis-rule.js';
import { describeExitCode, explainExitCode } from '../exit-codes.js';
import { readLogEvidence } from '../log-evidence.js';
import type { LogCause } from '../log-signatures.js';
import {
  crashLoopRestartCount,
  exitCodeOf,
  hasProblem,
  inCrashLoop,
  isDown,
  isFailing,
  logFinding,
  quoteEvidence,
  subjectOf,
} from './rule-context.js';

export { crashLoopRestartCount } from './rule-context.js';

const isOomKilled = (context: DiagnosisContext) =>
  context.verdict.metrics.oomKilled ||
  context.container?.oomKilled === true ||
  hasProblem(context, 'oom_killed');

/** Causes a restart could fix, which the logs may name for the last failure of a loop. */
const loopCauses: readonly LogCause[] = [
  'out_of_memory',
  'segfault',
  'connection_exhaustion',
  'too_many_open_files',
  'timeout',
];

/** How the last failure of a loop looked: ", last exit code 2 (usage error or runtime panic), segmentation fault". */
function lastFailure(context: DiagnosisContext): string {
  const parts: string[] = [];
  const exitCode = exitCodeOf(context);
  if (exitCode !== null && isDown(context)) parts.push(`last ${describeExitCode(exitCode)}`);
  if (isOomKilled(context)) parts.push('out of memory (OOMKilled)');
  else {
    const cause = loopCauses.find((candidate) => logFinding(context, candidate) !== undefined);
    if (cause !== undefined) parts.push(failureCauseTraits(cause).label);
  }
  return parts.map((part) => `, ${part}`).join('');
}

export const crashLoopRule: DiagnosisRule = {
  name: 'crash_loop',
  match(context) {
    if (!inCrashLoop(context)) return undefined;
    const { recentRestarts, incident } = context;
    const name = incident.containerName;
    const restarts =
      recentRestarts >= crashLoopRestartCount
        ? `failing again after ${recentRestarts} restarts within the hour`
        : `Docker keeps restarting it (${context.verdict.metrics.restartCount} restarts so far)`;
    return {
      cause: 'crash_loop',
      diagnosis: `${name} is in a crash loop: ${restarts}${lastFailure(context)}`,
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 80,
      reasoning: `It was restarted ${recentRestarts} time(s) by the agent in the last hour and is failing again. Another restart would repeat the loop; the cause (bad config, bad release, a missing resource) needs a person.`,
    };
  },
};

/**
 * Docker's OOMKilled flag (the kernel killed the container at its memory limit), or the runtime's
 * own words in a failing container's logs: Node's "JavaScript heap out of memory", Java's
 * OutOfMemoryError, Go's "runtime: out of memory", Python's MemoryError. A restart frees the
 * memory; if it recurs, the limit or a leak needs a person.
 */
export const outOfMemoryRule: DiagnosisRule = {
  name: 'out_of_memory',
  match(context) {
    const name = context.incident.containerName;
    const exitCode = exitCodeOf(context);
    if (isOomKilled(context)) {
      const limit = context.verdict.metrics.memoryLimitBytes;
      const limitText =
        limit === undefined || limit <= 0 ? '' : ` at its ${Math.round(limit / 1024 / 1024)} MiB limit`;
      return {
        cause: 'out_of_memory',
        diagnosis: `${name} was killed for running out of memory${limitText} (OOMKilled${exitCode === null ? '' : `, exit code ${exitCode}`})`,
        recommendedAction: 'restart_container',
        urgency: 'high',
        // Docker's OOMKilled flag with exit 137 (SIGKILL) is as certain as this gets.
        confidence: exitCode === 137 ? 90 : 80,
        reasoning: `Docker reports OOMKilled${exitCode === null ? '' : ` with exit code ${exitCode}`}: the container hit its memory limit and the kernel killed it. A restart brings it back; if it recurs, raise the limit or look for a leak.`,
      };
    }
    if (!isFailing(context)) return undefined;
    const finding = logFinding(context, 'out_of_memory');
    if (finding === undefined) return undefined;
    const { meaning, code } = finding.signature;
    return {
      cause: 'out_of_memory',
      diagnosis: `${subjectOf(context)}: out of memory${(meaning ?? code) ? ` (${meaning ?? code})` : ''}`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 80,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}: the runtime could not allocate memory (its own heap limit or the container's). A restart frees it; if it recurs, raise the limit (container or heap, e.g. --max-old-space-size, -Xmx) or look for a leak.`,
    };
  },
};

/** A stopped container that died of SIGSEGV, said by its logs or by exit code 139 (128 + 11). */
export const segfaultRule: DiagnosisRule = {
  name: 'segfault',
  match(context) {
    if (!isDown(context)) return undefined;
    const finding = logFinding(context, 'segfault');
    const exitCode = exitCodeOf(context);
    if (finding === undefined && exitCode !== 139) return undefined;
    const evidence =
      finding === undefined
        ? 'Exit code 139 is 128 + 11, SIGSEGV'
        : quoteEvidence(finding, readLogEvidence(context));
    return {
      cause: 'segfault',
      diagnosis: `${subjectOf(context)}: segmentation fault (SIGSEGV)`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 75,
      reasoning: `${evidence}: the process touched memory it does not own, usually in native code. A one-off crash like this is cleared by a restart; if it repeats, the release or a native library needs a fix.`,
    };
  },
};

export const containerCrashRule: DiagnosisRule = {
  name: 'container_crash',
  match(context) {
    if (!isDown(context)) return undefined;
    const exitCode = exitCodeOf(context);
    const name = context.incident.containerName;
    if (exitCode === 0) {
      return {
        cause: 'clean_exit',
        diagnosis: `${name} stopped with exit code 0 (a clean exit nobody asked for)`,
        recommendedAction: 'restart_container',
        urgency: 'high',
        confidence: 60,
        reasoning:
          'The main process exited cleanly, which a service normally does not do unless asked; a restart brings it back, but the exit may have been intended.',
      };
    }
    const excerpt = readLogEvidence(context).firstError;
    const code = exitCode === null ? '' : ` with ${describeExitCode(exitCode)}`;
    const firstError = excerpt === undefined ? '' : `, first error line: "${excerpt}"`;
    const explanation = explainExitCode(exitCode);
    return {
      cause: 'crash',
      diagnosis: `${name} crashed${code}${firstError}`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 75,
      reasoning: `${explanation === undefined ? '' : `${explanation} `}The container is ${context.verdict.metrics.state} after a non-zero exit, was not stopped by a person, and its logs name no cause a restart cannot fix; a restart is the usual fix for a one-off crash.`,
    };
  },
};

export const dockerUnhealthyRule: DiagnosisRule = {
  name: 'docker_unhealthy',
  match(context) {
    if (context.verdict.metrics.dockerHealth !== 'unhealthy' && !hasProblem(context, 'docker_unhealthy')) {
      return undefined;
    }
    return {
      cause: 'docker_unhealthy',
      diagnosis: `${context.incident.containerName} fails its own Docker HEALTHCHECK`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
      reasoning:
        'The HEALTHCHECK of the image has failed repeatedly and nothing more specific was found; Docker does not restart unhealthy containers itself, so a restart is the usual remedy.',
    };
  },
};
