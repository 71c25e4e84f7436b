import type { DiagnosisContext } from '../../ports/diagnoser.js';
import type { DiagnosisRule } from '../diagnosis-rule.js';
import { findLogPattern } from '../log-patterns.js';

const badConfigPatterns = [
  'invalid configuration',
  'invalid config',
  'configuration error',
  'config error',
  'error loading config',
  'failed to load config',
  'failed to parse config',
  'could not parse config',
  'missing required environment variable',
  'missing required configuration',
  'unknown configuration',
  'unrecognized option',
  'unknown flag',
  'yaml: line',
] as const;

const portInUsePatterns = [
  'address already in use',
  'eaddrinuse',
  'port is already allocated',
  'address in use',
] as const;

/** The shell's "found but not executable" and "not found": the image's command cannot start. */
const cannotRunExitCodes = new Set([126, 127]);

/** Failing to start: stopped, restarting, or looping. A running service is not failing at start. */
const isFailingAtStart = (context: DiagnosisContext) => {
  const { metrics, problems } = context.verdict;
  return (
    metrics.state !== 'running' ||
    problems.some((problem) => problem.kind === 'container_stopped' || problem.kind === 'crash_loop')
  );
};

const exitCodeOf = (context: DiagnosisContext) =>
  context.verdict.metrics.exitCode ?? context.container?.exitCode ?? null;

/**
 * A process that rejects its configuration exits at every start: a restart repeats the failure.
 * `configuration_change` is a person's action (it sits in manual_approval_required by default), so
 * this rule asks a person to fix the config rather than loop.
 */
export const badConfigRule: DiagnosisRule = {
  name: 'bad_config',
  match(context) {
    if (!isFailingAtStart(context)) return undefined;
    const exitCode = exitCodeOf(context);
    const name = context.incident.containerName;
    const pattern = findLogPattern(context.logTail, badConfigPatterns);
    if (pattern !== undefined && exitCode !== 0) {
      return {
        diagnosis: `Bad configuration: ${name} rejects its configuration at start`,
        recommendedAction: 'configuration_change',
        urgency: 'high',
        confidence: 80,
        reasoning: `The log tail contains "${pattern}" and the container ${exitCode === null ? 'is not running' : `exited with code ${exitCode}`}. The same configuration fails the same way at every start, so restarting cannot help; the configuration must be corrected.`,
      };
    }
    if (exitCode !== null && cannotRunExitCodes.has(exitCode)) {
      return {
        diagnosis: `${name} cannot start its command (exit code ${exitCode})`,
        recommendedAction: 'configuration_change',
        urgency: 'high',
        confidence: 75,
        reasoning: `Exit code ${exitCode} is the shell's "${exitCode === 127 ? 'command not found' : 'not executable'}": the image or its command line is wrong, and a restart runs the same command again.`,
      };
    }
    return undefined;
  },
};

/** Another process holds the port: a restart binds to the same busy port and fails again. */
export const portInUseRule: DiagnosisRule = {
  name: 'port_in_use',
  match(context) {
    if (!isFailingAtStart(context)) return undefined;
    const pattern = findLogPattern(context.logTail, portInUsePatterns);
    if (pattern === undefined) return undefined;
    return {
      diagnosis: `Port already in use: ${context.incident.containerName} cannot bind its port`,
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 75,
      reasoning: `The log tail contains "${pattern}". Something else holds the port (another container, a host process, a stale instance); restarting binds to the same port and fails again. A person must free the port or change the mapping.`,
    };
  },
};
