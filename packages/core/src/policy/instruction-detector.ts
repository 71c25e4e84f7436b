import { builtInActionNames } from '../domain/action.js';
import type { DiagnosisContext } from '../ports/diagnoser.js';

/**
 * What kind of instruction-like text was found. Our own names: the matched text itself is never
 * returned, so nothing a log says can reach a decision's reason or a notification.
 */
export type InstructionMarker =
  | 'override_instructions'
  | 'diagnosis_field'
  | 'confidence_claim'
  | 'prompt_talk'
  | 'role_marker'
  | 'tool_call_json'
  | 'spoofed_delimiter'
  | 'action_directive'
  | 'action_name';

/**
 * Container logs are untrusted: an attacker who can get a line logged (a query string, a user
 * name, a header) can write to the model. Known attacks name an action, claim a confidence or
 * tell the model to ignore its instructions (HolmesGPT #2001, kubernaut #601). Text like that in a
 * log is never legitimate application output, so when it is present a model's answer is not
 * trusted to act on (see `decideHealing`). False positives only cost automation of the model's
 * answer; the rules still act.
 */
const detectors: readonly (readonly [InstructionMarker, RegExp])[] = [
  [
    'override_instructions',
    /\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|your\s+|of\s+)*(previous|prior|above|earlier|preceding|system|original)\s+(instructions?|rules|prompts?|directions|guidelines|context)\b|\bnew\s+instructions\s*:/i,
  ],
  [
    'diagnosis_field',
    /\brecommended[_ -]?action\b|"?\brecommendedAction"?\s*[:=]|\burgency\s*[:=]\s*"?(low|medium|high|critical)\b/i,
  ],
  [
    'confidence_claim',
    /\bconfidence\s*(level|score)?\s*[:=]?\s*"?(100|[1-9]\d(\.\d+)?\s*%?|0?\.\d+|1\.0)\b/i,
  ],
  [
    'prompt_talk',
    /\bsystem\s+prompt\b|\b(you\s+are|act\s+as)\s+(an?|the)\s+(ai|assistant|language\s+model|llm|claude|sre\s+agent|diagnos\w*)\b|\bas\s+an\s+ai\b|\b(ai|llm|claude|model|assistant)\s*[:,]\s*(please\s+)?(ignore|respond|answer|output|select|choose|recommend)\b/i,
  ],
  [
    'role_marker',
    /^\s*(system|assistant|human)\s*:|<\|\s*(im_start|im_end|system|assistant|user|endoftext)\s*\|>|\[\/?(inst|sys)\]|<<\/?sys>>|\n\n(human|assistant):/i,
  ],
  [
    'tool_call_json',
    /"(tool_use|tool_calls|tool_choice|function_call|tool_result)"|"type"\s*:\s*"(tool_use|function)"|"name"\s*:\s*"\w+"\s*,\s*"(input|arguments)"\s*:/i,
  ],
  [
    'spoofed_delimiter',
    /<\/?\s*(untrusted[\w-]*|container[_-]?logs?|logs?|log[_-]?tail|instructions?|system)\s*>|-{3,}\s*(end|begin)\s+(of\s+)?(logs?|untrusted|data)\b/i,
  ],
  [
    'action_directive',
    /\b(select|choose|use|run|execute|perform|trigger|recommend)\s+(the\s+)?(workflow|action|remediation|playbook|fix)\b|\bno[-_ ]action[-_ ]required\b/i,
  ],
  ['action_name', new RegExp(`\\b(${[...builtInActionNames, 'container_restart'].join('|')})\\b`, 'i')],
];

/** Only the start of a line is searched: logs are untrusted and may be huge. */
const maxSearchedLineChars = 4096;

/** The markers found in `lines`, each once, in the order above. Empty means none. */
export function detectInstructionLikeText(lines: readonly string[]): readonly InstructionMarker[] {
  const searched = lines.map((line) => line.slice(0, maxSearchedLineChars));
  // Role markers like "\n\nHuman:" span lines; so does a log line holding a multi-line payload.
  const joined = searched.join('\n');
  return detectors
    .filter(([, pattern]) => searched.some((line) => pattern.test(line)) || pattern.test(joined))
    .map(([marker]) => marker);
}

/**
 * Every piece of container-controlled text in a diagnosis context, which is what a model is shown:
 * the log tail, the lines around the first error, the HEALTHCHECK outputs, the engine's error
 * message and the problem messages (a HEALTHCHECK output is quoted in one).
 */
export function untrustedTextOf(context: DiagnosisContext): readonly string[] {
  return [
    ...context.logTail,
    ...(context.errorLines ?? []),
    ...(context.container?.health.log.map((run) => run.output) ?? []),
    ...(context.container?.error ? [context.container.error] : []),
    ...context.verdict.problems.map((problem) => problem.message),
  ];
}

/** `detectInstructionLikeText` over everything in the context a container controls. */
export function detectInstructionLikeContext(context: DiagnosisContext): readonly InstructionMarker[] {
  return detectInstructionLikeText(untrustedTextOf(context));
}
