import type { DiagnosisRule } from '../diagnosis-rule.js';
import { exitCodeMeaning } from '../exit-codes.js';
import { readLogEvidence } from '../log-evidence.js';
import {
  answersNothing,
  exitCodeOf,
  isDown,
  logFinding,
  quoteEvidence,
  subjectOf,
  withExitCode,
} from './rule-context.js';

const environmentName = /^[A-Z_][A-Z0-9_]*$/;

/**
 * A process that rejects its configuration (a missing variable, a file that does not parse, wrong
 * credentials) exits at every start: a restart repeats the failure. `configuration_change` is a
 * person's action (it sits in manual_approval_required by default), so this asks a person to fix
 * the configuration rather than loop.
 */
export const missingConfigRule: DiagnosisRule = {
  name: 'missing_config',
  match(context) {
    if (!isDown(context) || exitCodeOf(context) === 0) return undefined;
    const finding = logFinding(context, 'missing_config');
    if (finding === undefined) return undefined;
    const { variable, path } = finding.facts;
    const { meaning } = finding.signature;
    const detail =
      meaning !== undefined
        ? `${meaning}${variable !== undefined ? ` (${variable})` : path !== undefined ? ` in ${path}` : ''}`
        : variable !== undefined
          ? environmentName.test(variable)
            ? `missing required environment variable ${variable}`
            : `missing required setting ${variable}`
          : path !== undefined
            ? `invalid configuration in ${path}`
            : 'invalid or missing configuration';
    return {
      cause: 'missing_config',
      diagnosis: `${subjectOf(context, { atStart: true })}: ${withExitCode(detail, context)}`,
      recommendedAction: 'configuration_change',
      urgency: 'high',
      confidence: 80,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))} and the container is not running. The same configuration fails the same way at every start, so restarting cannot help; the configuration must be corrected.`,
    };
  },
};

/**
 * Another process holds the port: a restart binds to the same busy port and fails again. Also
 * for a running container whose server never answers, when its logs say it could not bind.
 */
export const portInUseRule: DiagnosisRule = {
  name: 'port_in_use',
  match(context) {
    if (!isDown(context) && !answersNothing(context)) return undefined;
    const finding = logFinding(context, 'port_in_use');
    if (finding === undefined) return undefined;
    const { port } = finding.facts;
    const code = finding.signature.code === undefined ? '' : ` (${finding.signature.code})`;
    return {
      cause: 'port_in_use',
      diagnosis: `${subjectOf(context, { atStart: true })}: ${withExitCode(`${port === undefined ? 'its port' : `port ${port}`} is already in use${code}`, context)}`,
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 80,
      reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. Something else holds the port (another container, a host process, a stale instance of this one); restarting binds to the same port and fails again. A person must free the port or change the mapping.`,
    };
  },
};

/** The shell's "not executable" and "not found": the image's command cannot start. */
const cannotRunExitCodes = new Set([126, 127]);

/**
 * The image cannot run what it is told to: an entrypoint or module that is not there, a binary
 * for another architecture, a command not in $PATH. The image or the command line must change.
 */
export const missingBinaryRule: DiagnosisRule = {
  name: 'missing_binary',
  match(context) {
    if (!isDown(context)) return undefined;
    const exitCode = exitCodeOf(context);
    const finding = logFinding(context, 'missing_binary');
    if (finding !== undefined && exitCode !== 0) {
      const { command } = finding.facts;
      const meaning = finding.signature.meaning ?? 'command not found';
      return {
        cause: 'missing_binary',
        diagnosis: `${subjectOf(context, { atStart: true })}: ${withExitCode(`${meaning}${command === undefined ? '' : `: ${command}`}`, context)}`,
        recommendedAction: 'configuration_change',
        urgency: 'high',
        confidence: 80,
        reasoning: `${quoteEvidence(finding, readLogEvidence(context))}. The image or its command line names something that is not there or cannot run here; a restart runs the same command again.`,
      };
    }
    if (exitCode === null || !cannotRunExitCodes.has(exitCode)) return undefined;
    return {
      cause: 'missing_binary',
      diagnosis: `${subjectOf(context, { atStart: true })}: ${exitCodeMeaning(exitCode)} (exit code ${exitCode})`,
      recommendedAction: 'configuration_change',
      urgency: 'high',
      confidence: 75,
      reasoning: `Exit code ${exitCode} is the shell's "${exitCode === 127 ? 'command not found' : 'found but not executable'}": the image or its command line is wrong, and a restart runs the same command again.`,
    };
  },
};
