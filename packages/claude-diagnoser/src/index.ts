export type { ClaudeDiagnoserOptions, MessagesClient } from './claude-diagnoser/claude-diagnoser.js';
export { createClaudeDiagnoser, defaultModelActions } from './claude-diagnoser/claude-diagnoser.js';
export type { ClaudeFailureKind } from './claude-diagnoser/claude-diagnoser-error.js';
export { ClaudeDiagnoserError } from './claude-diagnoser/claude-diagnoser-error.js';
export { failureSignature, normaliseLogLine } from './cost/failure-signature.js';
export type { PromptLimits } from './prompt/diagnosis-prompt.js';
export {
  defaultPromptLimits,
  diagnosisToolName,
  promptVersion,
  systemPrompt,
  userPrompt,
} from './prompt/diagnosis-prompt.js';
export { neutraliseUntrustedLine } from './prompt/untrusted-text.js';
