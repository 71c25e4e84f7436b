import type { FakeAnthropicReply, FakeReplyTiming, FakeUsage } from './fake-anthropic-server.js';

/**
 * A well-formed `record_diagnosis` answer, with fields overridable for a scenario (a field set to
 * `undefined` is left out, e.g. `{ cause: undefined }` for an answer without a cause).
 *
 * @example
 * ```ts
 * import { startFakeAnthropicServer, validDiagnosisReply } from '@website-monitor/claude-diagnoser/testing';
 *
 * await using server = await startFakeAnthropicServer({
 *   script: [validDiagnosisReply({ recommended_action: 'clear_cache', confidence: 70 })],
 * });
 * ```
 */
export function validDiagnosisReply(
  input: Partial<{
    diagnosis: string;
    cause: string | undefined;
    recommended_action: string;
    urgency: string;
    confidence: number;
    reasoning: string;
  }> = {},
  usage?: FakeUsage,
  timing: FakeReplyTiming = {},
): FakeAnthropicReply {
  const fields: Record<string, unknown> = {
    diagnosis: 'The process exited after losing its database connection.',
    cause: 'dependency_unreachable',
    recommended_action: 'restart_container',
    urgency: 'high',
    confidence: 85,
    reasoning: 'Exit code 1 right after "connection reset by peer"; the database is healthy again.',
    ...input,
  };
  for (const [name, value] of Object.entries(fields)) if (value === undefined) delete fields[name];
  return {
    kind: 'tool_use',
    name: 'record_diagnosis',
    input: fields,
    ...(usage ? { usage } : {}),
    ...timing,
  };
}
