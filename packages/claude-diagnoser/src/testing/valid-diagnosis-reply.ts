import type { FakeAnthropicReply, FakeUsage } from './fake-anthropic-server.js';

/** A well-formed `record_diagnosis` answer, with fields overridable for a scenario. */
export function validDiagnosisReply(
  input: Partial<{
    diagnosis: string;
    recommended_action: string;
    urgency: string;
    confidence: number;
    reasoning: string;
  }> = {},
  usage?: FakeUsage,
): FakeAnthropicReply {
  return {
    kind: 'tool_use',
    name: 'record_diagnosis',
    input: {
      diagnosis: 'The process exited after losing its database connection.',
      recommended_action: 'restart_container',
      urgency: 'high',
      confidence: 85,
      reasoning: 'Exit code 1 right after "connection reset by peer"; the database is healthy again.',
      ...input,
    },
    ...(usage ? { usage } : {}),
  };
}
