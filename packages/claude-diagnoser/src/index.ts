export type { ClaudeDiagnoserOptions, MessagesClient } from './claude-diagnoser/claude-diagnoser.js';
export { createClaudeDiagnoser, defaultModelActions } from './claude-diagnoser/claude-diagnoser.js';
export type { ClaudeFailureKind } from './claude-diagnoser/claude-diagnoser-error.js';
export { ClaudeDiagnoserError } from './claude-diagnoser/claude-diagnoser-error.js';
export type { PromptLimits } from './prompt/diagnosis-prompt.js';
export { defaultPromptLimits } from './prompt/diagnosis-prompt.js';
