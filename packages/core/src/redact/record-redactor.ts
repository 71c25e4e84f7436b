import type { ContainerDetails } from '../domain/container.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { Problem } from '../domain/health.js';
import type { Incident, IncidentHistoryEntry } from '../domain/incident.js';
import { containerSecretValues } from './container-secrets.js';
import { type TextRedactor, textRedactor } from './redact-secrets.js';

/**
 * Redacts what enters the agent's records (incidents, healing actions, approvals, diagnoses) for
 * one container: its own secret values and every secret pattern, each field bounded. The agent
 * calls it where text enters a record, before the record is stored, logged, notified or emitted,
 * so every sink carries the same masked text.
 */
export interface RecordRedactor {
  text(text: string): string;
  /** A check's problems: a HEALTHCHECK's output or an HTTP answer quoted in a message. */
  problems(problems: readonly Problem[]): readonly Problem[];
  incident(incident: Incident): Incident;
  diagnosis(diagnosis: Diagnosis): Diagnosis;
  action(action: HealingActionRecord): HealingActionRecord;
  approval(approval: ApprovalRequest): ApprovalRequest;
}

/**
 * Records (and their parts) this module produced. An incident is saved again at every change
 * with most of its parts untouched: those are not scanned again.
 */
const redacted = new WeakSet<object>();

function mark<T extends object>(value: T): T {
  redacted.add(value);
  return value;
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
  if (!container) {
    patternsOnly ??= createRecordRedactor(textRedactor());
    return patternsOnly;
  }
  const secrets = containerSecretValues(container);
  let redactor = redactors.get(secrets);
  if (!redactor) {
    redactor = createRecordRedactor(textRedactor(secrets));
    redactors.set(secrets, redactor);
  }
  return redactor;
}

/** Short texts remembered per redactor: a diagnosis is quoted by the incident, the step's reason and the action's record. */
const rememberedTexts = 64;
const rememberedTextMaxChars = 4096;

function createRecordRedactor(redact: TextRedactor): RecordRedactor {
  // On the path from a crash to its restart the same sentence is redacted several times: each
  // time after the first is a lookup. Bounded (oldest dropped first) and for short texts only.
  const remembered = new Map<string, string>();
  const text = (value: string): string => {
    if (value.length > rememberedTextMaxChars) return redact(value);
    const known = remembered.get(value);
    if (known !== undefined) return known;
    const masked = redact(value);
    if (remembered.size >= rememberedTexts) remembered.delete(remembered.keys().next().value as string);
    remembered.set(value, masked);
    return masked;
  };
  const nullable = (value: string | null): string | null => (value === null ? null : text(value));

  const diagnosis = (value: Diagnosis): Diagnosis => {
    if (redacted.has(value)) return value;
    return mark({
      ...value,
      diagnosis: text(value.diagnosis),
      reasoning: text(value.reasoning),
      ...(value.fallbackReason === undefined ? {} : { fallbackReason: text(value.fallbackReason) }),
    });
  };

  const problems = (value: readonly Problem[]): readonly Problem[] => {
    if (redacted.has(value)) return value;
    return mark(value.map((problem) => ({ ...problem, message: text(problem.message) })));
  };

  const historyEntry = (entry: IncidentHistoryEntry): IncidentHistoryEntry => {
    if (redacted.has(entry)) return entry;
    return mark(
      entry.kind === 'diagnosed'
        ? { ...entry, diagnosis: diagnosis(entry.diagnosis) }
        : { ...entry, problem: text(entry.problem) },
    );
  };

  return {
    problems,
    text,
    diagnosis,
    incident(incident) {
      if (redacted.has(incident)) return incident;
      return mark({
        ...incident,
        problems: problems(incident.problems),
        diagnosis: incident.diagnosis === null ? null : diagnosis(incident.diagnosis),
        escalationReason: nullable(incident.escalationReason),
        ...(incident.history === undefined ? {} : { history: incident.history.map(historyEntry) }),
      });
    },
    action(action) {
      if (redacted.has(action)) return action;
      const detail = nullable(action.detail);
      return mark({
        ...action,
        reason: text(action.reason),
        detail,
        error: action.error === action.detail ? detail : nullable(action.error),
      });
    },
    approval(approval) {
      if (redacted.has(approval)) return approval;
      return mark({ ...approval, reason: text(approval.reason) });
    },
  };
}
