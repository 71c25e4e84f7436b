import { knownValueSpans } from './anchored-secrets.js';
import { applySpans } from './redact-secrets.js';

/**
 * Lines with every occurrence of the known secret values (a container's own, from
 * `containerSecretValues`) masked as `[REDACTED:env_value]`, and nothing else looked at: a search
 * for known strings (`indexOf`, native and linear), not the pattern scan. For text that stays in
 * the agent's own code (the rules read a crash's log lines before its restart) but may be cut
 * there, where a pattern would still find the half of a secret it keeps and a known value would not.
 */
export function maskKnownValues(lines: readonly string[], values: readonly string[]): readonly string[] {
  if (values.length === 0) return lines;
  return lines.map((line) => applySpans(line, knownValueSpans(line, values)));
}
