import {
  type Diagnosis,
  type FailureCause,
  failureCauses,
  isFailureCause,
  type Urgency,
} from '@website-monitor/core';
import { z } from 'zod';
import { diagnosisToolName } from '../prompt/diagnosis-prompt.js';

export const urgencies = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Urgency[];

/** The answer as the model sends it (snake_case, like the seed's diagnosis shape). */
export function diagnosisAnswerSchema(actions: readonly string[]) {
  return z.object({
    diagnosis: z.string().trim().min(3).max(600),
    // A cause outside the vocabulary (or none) does not sink an otherwise valid answer: it only
    // labels the diagnosis, so it becomes `unknown` and the plan follows the trigger.
    cause: z
      .unknown()
      .optional()
      .transform((value): FailureCause => (isFailureCause(value) ? value : 'unknown')),
    recommended_action: z.enum(actions as [string, ...string[]]),
    urgency: z.enum(urgencies),
    confidence: z.number().finite().min(0).max(100),
    reasoning: z.string().trim().min(3).max(2_000),
  });
}

/**
 * The forced tool. The enum is what makes the answer structural: whatever a log line says, the
 * model can only name one of these actions. Range and length keywords are not enforced by the
 * API, so zod checks them again on our side.
 */
export function diagnosisTool(actions: readonly string[]) {
  return {
    name: diagnosisToolName,
    description: 'Record the diagnosis of the failing container. Call exactly once.',
    input_schema: {
      type: 'object' as const,
      properties: {
        diagnosis: {
          type: 'string',
          description: 'One sentence naming the most likely cause.',
          maxLength: 600,
        },
        cause: {
          type: 'string',
          enum: [...failureCauses],
          description:
            'The cause, in the vocabulary of the system prompt; unknown when the evidence shows none.',
        },
        recommended_action: { type: 'string', enum: [...actions], description: 'One allowed action.' },
        urgency: { type: 'string', enum: [...urgencies] },
        confidence: { type: 'integer', minimum: 0, maximum: 100 },
        reasoning: {
          type: 'string',
          description: 'The evidence, at most three sentences.',
          maxLength: 2_000,
        },
      },
      required: ['diagnosis', 'cause', 'recommended_action', 'urgency', 'confidence', 'reasoning'],
      additionalProperties: false,
    },
  };
}

export type AnswerResult =
  | { readonly ok: true; readonly diagnosis: Omit<Diagnosis, 'source' | 'usage'> }
  | { readonly ok: false; readonly reason: string };

/** The content blocks of a message, by shape only (no SDK types cross this file). */
interface ContentBlockLike {
  readonly type: string;
  readonly name?: string;
  readonly input?: unknown;
}

/** Finds the forced tool call and validates it; anything else is a failed diagnosis, not a guess. */
export function readDiagnosisAnswer(
  message: { readonly content: readonly ContentBlockLike[]; readonly stop_reason: string | null },
  actions: readonly string[],
): AnswerResult {
  const call = message.content.find((block) => block.type === 'tool_use' && block.name === diagnosisToolName);
  if (!call) {
    return {
      ok: false,
      reason: `no ${diagnosisToolName} call in the answer (stop_reason ${message.stop_reason})`,
    };
  }
  const parsed = diagnosisAnswerSchema(actions).safeParse(call.input);
  if (!parsed.success) return { ok: false, reason: summariseIssues(parsed.error) };
  const answer = parsed.data;
  return {
    ok: true,
    diagnosis: {
      diagnosis: answer.diagnosis,
      cause: answer.cause,
      recommendedAction: answer.recommended_action,
      urgency: answer.urgency,
      confidence: Math.round(answer.confidence),
      reasoning: answer.reasoning,
    },
  };
}

/** `confidence: Too big: expected number to be <=100; urgency: ...`, on one short line. */
function summariseIssues(error: z.ZodError): string {
  const text = error.issues
    .map((issue) => {
      const what = issue.code === 'invalid_value' ? 'not an allowed value' : issue.message;
      return `${issue.path.join('.') || '(root)'}: ${what.length > 80 ? `${what.slice(0, 80)}…` : what}`;
    })
    .join('; ');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
