import type { DiagnosisContext } from '../../ports/diagnoser.js';
import type { DiagnosisRule } from '../diagnosis-rule.js';

/** Restarts by the agent within the hour that make a crash loop. */
export const crashLoopRestartCount = 3;

const hasProblem = (context: DiagnosisContext, kind: string) =>
  context.verdict.problems.some((problem) => problem.kind === kind);

const isStopped = (context: DiagnosisContext) =>
  context.verdict.metrics.state === 'exited' ||
  context.verdict.metrics.state === 'dead' ||
  hasProblem(context, 'container_stopped');

export const crashLoopRule: DiagnosisRule = {
  name: 'crash_loop',
  match(context) {
    const { recentRestarts, incident } = context;
    if (recentRestarts < crashLoopRestartCount && !hasProblem(context, 'crash_loop')) return undefined;
    return {
      diagnosis: `Crash loop: ${incident.containerName} keeps failing after restarts`,
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 80,
      reasoning: `It was restarted ${recentRestarts} time(s) in the last hour and is failing again. Another restart would repeat the loop; the cause (bad config, bad release, a missing resource) needs a person.`,
    };
  },
};

export const outOfMemoryRule: DiagnosisRule = {
  name: 'out_of_memory',
  match(context) {
    const { metrics } = context.verdict;
    const oomKilled =
      metrics.oomKilled || context.container?.oomKilled === true || hasProblem(context, 'oom_killed');
    if (!oomKilled) return undefined;
    const exitCode = metrics.exitCode ?? context.container?.exitCode ?? null;
    return {
      diagnosis: `Out of memory: the kernel killed ${context.incident.containerName}`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      // Docker's OOMKilled flag with exit 137 (SIGKILL) is as certain as this gets.
      confidence: exitCode === 137 ? 90 : 80,
      reasoning: `Docker reports OOMKilled${exitCode === null ? '' : ` with exit code ${exitCode}`}: the container hit its memory limit. A restart brings it back; if it recurs, raise the limit or look for a leak.`,
    };
  },
};

export const containerCrashRule: DiagnosisRule = {
  name: 'container_crash',
  match(context) {
    if (!isStopped(context)) return undefined;
    const exitCode = context.verdict.metrics.exitCode ?? context.container?.exitCode ?? null;
    const name = context.incident.containerName;
    if (exitCode === 0) {
      return {
        diagnosis: `${name} stopped with exit code 0`,
        recommendedAction: 'restart_container',
        urgency: 'high',
        confidence: 60,
        reasoning:
          'The main process exited cleanly, which a service normally does not do unless asked; a restart brings it back, but the exit may have been intended.',
      };
    }
    const signal = exitCode !== null && exitCode > 128 ? ` (signal ${exitCode - 128})` : '';
    return {
      diagnosis: `${name} crashed${exitCode === null ? '' : ` with exit code ${exitCode}${signal}`}`,
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 75,
      reasoning: `The container is ${context.verdict.metrics.state} after a non-zero exit and was not stopped by a person; a restart is the usual fix for a one-off crash.`,
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
      diagnosis: `${context.incident.containerName} fails its own Docker HEALTHCHECK`,
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
      reasoning:
        'The HEALTHCHECK of the image has failed repeatedly and nothing more specific was found; Docker does not restart unhealthy containers itself, so a restart is the usual remedy.',
    };
  },
};
