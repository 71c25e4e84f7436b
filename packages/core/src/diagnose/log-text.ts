import { detectInstructionLikeText } from '../policy/instruction-detector.js';
import { redactSecrets } from '../redact/redact-secrets.js';

/**
 * Preparing untrusted log text for the rules: every line is cut before anything looks at it,
 * terminal colours and control characters go, and what the rules quote back (a port, a path, a
 * variable name, a short excerpt) is sanitised to a few printable ASCII characters and redacted.
 */

/** Only the start of a line is scanned: logs are untrusted and a line may be megabytes long. */
export const maxScannedLineChars = 4096;
/** Only the newest lines are scanned. */
export const maxScannedLines = 500;
/** The longest fact (port, host, path, name) a diagnosis quotes. */
export const maxFactChars = 80;
/** The longest excerpt of a log line a diagnosis quotes. */
export const maxExcerptChars = 120;

// CSI sequences (colours, cursor moves): ESC [ parameters intermediates final. The three classes
// are disjoint, so the match is linear. Also their JSON-escaped form, as in structured logs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escapes is the point
const csiSequence = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const escapedCsiSequence = /\\u001b\[[0-?]*[ -/]*[@-~]/gi;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const controlCharacters = /[\x00-\x1f\x7f]/g;
/** JSON string escapes that would hide a path or a quote: `\"`, `\n`, `\t`, `\\`. */
const jsonEscapes = /\\(["/\\nrt])/g;

/**
 * One log line as the rules see it: at most `maxScannedLineChars`, without terminal escapes,
 * control characters or JSON string escapes. Case is kept (variable names are upper case).
 */
export function normalizeLogLine(line: string): string {
  return line
    .slice(0, maxScannedLineChars)
    .replace(csiSequence, '')
    .replace(escapedCsiSequence, '')
    .replace(jsonEscapes, (_, escaped: string) =>
      escaped === 'n' || escaped === 'r' || escaped === 't' ? ' ' : escaped,
    )
    .replace(controlCharacters, ' ');
}

/**
 * A fact taken from a log line, fit to quote: printable ASCII without spaces, quotes or angle
 * brackets, at most `maxLength` characters, secrets redacted. Undefined when nothing is left.
 */
export function sanitizeFact(
  value: string | undefined,
  maxLength: number = maxFactChars,
): string | undefined {
  if (value === undefined) return undefined;
  const printable = value.slice(0, maxLength * 2).replace(/[^\x21-\x7e]|["'`<>\\]/g, '');
  if (printable === '') return undefined;
  const cut = printable.length > maxLength ? `${printable.slice(0, maxLength - 3)}...` : printable;
  return redactSecrets(cut);
}

// A leading timestamp and log level carry nothing a person needs in a one-line excerpt.
const leadingTimestamp =
  /^\[?(?:\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?(?: UTC)?|\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\]?\s+/;
/** The message of a JSON log line: `"msg"`, `"message"`, `"error"` or `"err"` (escapes allowed). */
const jsonMessage = /"(?:msg|message|error|err)"\s*:\s*"((?:[^"\\]|\\.){1,400})"/;

/**
 * A short excerpt of a log line a person can read in a diagnosis: the message of a JSON line,
 * without a leading timestamp, printable ASCII only (others become `?`), no quotes, backticks or
 * angle brackets (nothing that could pose as a delimiter), whitespace collapsed, secrets redacted,
 * at most `maxExcerptChars`. Undefined when the line is empty or reads like an instruction to a
 * model (such text is never quoted back).
 */
export function logExcerpt(line: string, maxLength: number = maxExcerptChars): string | undefined {
  const raw = line.slice(0, maxScannedLineChars);
  // The JSON message is taken before its escapes are undone, so an escaped quote does not end it.
  const message = normalizeLogLine(jsonMessage.exec(raw)?.[1] ?? raw);
  if (detectInstructionLikeText([message]).length > 0) return undefined;
  const text = message
    .replace(leadingTimestamp, '')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/["`]/g, "'")
    .replace(/[<>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  const redacted = redactSecrets(text);
  return redacted.length > maxLength ? `${redacted.slice(0, maxLength - 3).trimEnd()}...` : redacted;
}

/**
 * Words that mark an error line, for the excerpt of a crash no rule explains: whole words, or an
 * exception class name (`TypeError`, `NullPointerException`). `Traceback (most recent call last)`
 * is the header of one, not the error itself.
 */
const errorWord =
  /\b(?:error|err|fatal|panic|exception|critical|crit|emerg|severe|failed|failure|abort(?:ed|ing)?|terminate called)\b/i;
const exceptionClass = /[a-z](?:Error|Exception)\b/;
const tracebackHeader = /^\s*traceback \(most recent call last\)/i;

/** Index of the first line of `lines` that reads like an error, or -1. */
export function firstErrorLineIndex(lines: readonly string[]): number {
  return lines.findIndex((line) => {
    const text = line.slice(0, maxScannedLineChars);
    return (errorWord.test(text) || exceptionClass.test(text)) && !tracebackHeader.test(text);
  });
}
