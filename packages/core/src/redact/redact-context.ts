import type { DiagnosisContext } from '../ports/diagnoser.js';
import { redactSecrets } from './redact-secrets.js';

/**
 * The values of `KEY=value` environment entries. Names are kept: `DATABASE_URL` is a useful
 * clue, its value is not ours to send.
 */
export function environmentValues(env: readonly string[]): string[] {
  return env.flatMap((entry) => {
    const separator = entry.indexOf('=');
    return separator < 0 ? [] : [entry.slice(separator + 1)];
  });
}

/**
 * The diagnosis context with every string redacted (logs, messages, labels, health-check output,
 * the environment), so anything built from it can leave the host. Environment entries keep their
 * names and lose their values. Record keys, numbers and the shape stay as they are.
 */
export function redactContext(context: DiagnosisContext): DiagnosisContext {
  const extraValues = environmentValues(context.container?.env ?? []);
  const redacted = redactDeep(context, (text) => redactSecrets(text, { extraValues })) as DiagnosisContext;
  if (!redacted.container) return redacted;
  return {
    ...redacted,
    container: {
      ...redacted.container,
      env: (context.container?.env ?? []).map((entry) => {
        const separator = entry.indexOf('=');
        return separator < 0 ? entry : `${entry.slice(0, separator)}=[REDACTED:env_value]`;
      }),
    },
  };
}

/** Applies `redact` to every string in plain data (objects, arrays); other values are kept. */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)]));
  }
  return value;
}
