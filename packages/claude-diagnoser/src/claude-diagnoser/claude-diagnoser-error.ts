import { DiagnoserError } from '@website-monitor/core';

/** Why a Claude diagnosis failed; the agent then uses the rules and records this reason. */
export type ClaudeFailureKind =
  | 'no_api_key'
  | 'rate_limited'
  | 'api_error'
  | 'connection_error'
  | 'timeout'
  | 'deadline'
  | 'aborted'
  | 'invalid_answer'
  | 'budget_exhausted'
  | 'cooldown';

/**
 * A `DiagnoserError` whose message is one short reason starting with its kind
 * (`rate_limited (retry after 2s)`, `api_error 500`, `timeout after 200ms`,
 * `invalid_answer: confidence: ...`), so it reads well inside the incident's reasoning.
 *
 * @example
 * ```ts
 * import { ClaudeDiagnoserError } from '@website-monitor/claude-diagnoser';
 *
 * try {
 *   await diagnoser.diagnose({ context });
 * } catch (error) {
 *   if (error instanceof ClaudeDiagnoserError && error.kind === 'rate_limited') console.log(error.message);
 * }
 * ```
 */
export class ClaudeDiagnoserError extends DiagnoserError {
  readonly kind: ClaudeFailureKind;
  /** The API's `request-id`, when an answer came back. */
  readonly requestId: string | undefined;

  constructor(
    kind: ClaudeFailureKind,
    message: string,
    options: { readonly cause?: unknown; readonly requestId?: string | undefined } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ClaudeDiagnoserError';
    this.kind = kind;
    this.requestId = options.requestId ?? undefined;
  }
}
