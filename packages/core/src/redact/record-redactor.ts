import type { ContainerDetails } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { Problem } from '../domain/health.js';
import type { Incident, IncidentHistoryEntry } from '../domain/incident.js';
import { containerSecretValues } from './container-secrets.js';
import { type TextRedactor, textRedactor } from './redact-secrets.js';
import { isRedactedWith, markRedacted, noSecretValues } from './redaction-marks.js';

/**
 * Redacts what enters the agent's records (incidents, healing actions, approvals, diagnoses) for
 * one container: its own secret values and every secret pattern, each field bounded. The agent
 * calls it where text enters a record, before the record is stored, logged, notified or emitted,
 * so every sink carries the same masked text.
 */
export interface RecordRedactor {
  /** One text, at most `maxChars` of it (default `maxFieldChars`); short texts are remembered. */
  text(text: string, maxChars?: number): string;
  /** True when this redactor (or one with the same secrets) produced `value`: it needs no second pass. */
  produced(value: object): boolean;
  /** A check's problems: a HEALTHCHECK's output or an HTTP answer quoted in a message. */
  problems(problems: readonly Problem[]): readonly Problem[];
  incident(incident: Incident): Incident;
  diagnosis(diagnosis: Diagnosis): Diagnosis;
  action(action: HealingActionRecord): HealingActionRecord;
  approval(approval: ApprovalRequest): ApprovalRequest;
}

/**
 * By the container's secret values (the same array while its env and labels do not change), so
 * a container inspected again (every `die` brings fresh details) keeps its redactor and what the
 * redactor remembers.
 */
const redactors = new WeakMap<readonly string[], RecordRedactor>();
let patternsOnly: RecordRedactor | undefined;

/**
 * The redactor for a container's records (the same one while its secrets are the same); with no
 * details (a container already gone), secret patterns only.
 */
export function recordRedactor(container: ContainerDetails | null | undefined): RecordRedactor {
  const secrets = containerSecretValues(container);
  // A container with no secrets of its own shares the patterns-only redactor, and what it remembers.
  if (secrets.length === 0) {
    patternsOnly ??= createRecordRedactor(noSecretValues);
    return patternsOnly;
  }
  let redactor = redactors.get(secrets);
  if (!redactor) {
    redactor = createRecordRedactor(secrets);
    redactors.set(secrets, redactor);
  }
  return redactor;
}

/**
 * Texts remembered per redactor: a problem's message is quoted by the verdict, the incident and
 * the diagnosis context, a diagnosis by the incident, the step's reason and the action's record,
 * and the container's name, image and labels by every context. Short texts only, bounded in
 * number and in characters (oldest dropped first).
 */
const rememberedTexts = 256;
const rememberedTextMaxChars = 1_024;
const rememberedTotalChars = 16 * 1_024;

function createRecordRedactor(secrets: readonly string[]): RecordRedactor {
  const redact: TextRedactor = textRedactor(secrets);
  const mark = <T extends object>(value: T): T => markRedacted(value, secrets);
  const produced = (value: object): boolean => isRedactedWith(value, secrets);
  // On the path from a crash to its restart the same sentences are redacted several times: each
  // time after the first is a lookup.
  const remembered = new Map<string, string>();
  let rememberedChars = 0;
  const text = (value: string, maxChars?: number): string => {
    // A text that fits within its bound is redacted the same whatever the bound: it can be remembered.
    if (value.length > rememberedTextMaxChars || (maxChars !== undefined && value.length > maxChars)) {
      return redact(value, maxChars);
    }
    const known = remembered.get(value);
    if (known !== undefined) return known;
    const masked = redact(value);
    while (remembered.size >= rememberedTexts || rememberedChars + value.length > rememberedTotalChars) {
      const oldest = remembered.keys().next().value as string;
      remembered.delete(oldest);
      rememberedChars -= oldest.length;
    }
    remembered.set(value, masked);
    rememberedChars += value.length;
    return masked;
  };
  const nullable = (value: string | null): string | null => (value === null ? null : text(value));

  const diagnosis = (value: Diagnosis): Diagnosis => {
    if (produced(value)) return value;
    return mark({
      ...value,
      diagnosis: text(value.diagnosis),
      reasoning: text(value.reasoning),
      ...(value.fallbackReason === undefined ? {} : { fallbackReason: text(value.fallbackReason) }),
    });
  };

  const problems = (value: readonly Problem[]): readonly Problem[] => {
    if (produced(value)) return value;
    return mark(value.map((problem) => ({ ...problem, message: text(problem.message) })));
  };

  const historyEntry = (entry: IncidentHistoryEntry): IncidentHistoryEntry => {
    if (produced(entry)) return entry;
    return mark(
      entry.kind === 'diagnosed'
        ? { ...entry, diagnosis: diagnosis(entry.diagnosis) }
        : { ...entry, problem: text(entry.problem) },
    );
  };

  return {
    problems,
    text,
    produced,
    diagnosis,
    incident(incident) {
      if (produced(incident)) return incident;
      return mark({
        ...incident,
        problems: problems(incident.problems),
        diagnosis: incident.diagnosis === null ? null : diagnosis(incident.diagnosis),
        escalationReason: nullable(incident.escalationReason),
        ...(incident.history === undefined ? {} : { history: incident.history.map(historyEntry) }),
      });
    },
    action(action) {
      if (produced(action)) return action;
      const detail = nullable(action.detail);
      return mark({
        ...action,
        reason: text(action.reason),
        detail,
        error: action.error === action.detail ? detail : nullable(action.error),
      });
    },
    approval(approval) {
      if (produced(approval)) return approval;
      return mark({ ...approval, reason: text(approval.reason) });
    },
  };
}
