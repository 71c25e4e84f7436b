import type { DiagnosisContext } from '../ports/diagnoser.js';
import {
  extractAddress,
  extractCommand,
  extractHost,
  extractPath,
  extractPort,
  extractVariable,
} from './log-facts.js';
import { type LogCause, type LogSignature, logSignatures } from './log-signatures.js';
import { firstErrorLineIndex, logExcerpt, maxScannedLines, normalizeLogLine } from './log-text.js';

/** Facts a rule may quote, each sanitised (see `sanitizeFact`). */
export interface LogFacts {
  /** A port a server could not bind. */
  readonly port?: number;
  /** `host:port` (or a host) a connection went to. */
  readonly address?: string;
  /** A host name that did not resolve. */
  readonly host?: string;
  /** A file or directory. */
  readonly path?: string;
  /** A configuration variable. */
  readonly variable?: string;
  /** A command, entrypoint, module or jar. */
  readonly command?: string;
}

/** The first line of the evidence that names one cause. */
export interface LogFinding {
  readonly cause: LogCause;
  /** The first signature of that cause the line matches (its phrase is ours, safe to quote). */
  readonly signature: LogSignature;
  /** Position of the line among the lines scanned (0 = oldest), for "line 3 of 40". */
  readonly line: number;
  /** `engine`: the engine's error message for the container, not its own logs. */
  readonly source: 'logs' | 'engine';
  readonly facts: LogFacts;
}

/** What the log tail (and the engine's own error message) says, read once per context. */
export interface LogEvidence {
  /** The first finding for each cause present. */
  readonly findings: ReadonlyMap<LogCause, LogFinding>;
  /** How many log lines were scanned (the engine's message not counted). */
  readonly lines: number;
  /** A short, sanitised excerpt of the first line that reads like an error; undefined if none. */
  readonly firstError: string | undefined;
}

/** The facts each cause quotes; `anchor` is where the matched words start in the line. */
const factsFor: Readonly<Record<LogCause, (text: string, anchor: number) => LogFacts>> = {
  disk_full: (text) => ({ path: extractPath(text) }),
  read_only_filesystem: (text) => ({ path: extractPath(text) }),
  too_many_open_files: (text) => ({ path: extractPath(text) }),
  connection_exhaustion: (text, anchor) => ({ address: extractAddress(text, anchor) }),
  port_in_use: (text, anchor) => ({ port: extractPort(text, anchor) }),
  dependency_unreachable: (text, anchor) => ({ address: extractAddress(text, anchor) }),
  dns_failure: (text) => ({ host: extractHost(text) }),
  tls_failure: (text, anchor) => ({ address: extractAddress(text, anchor) }),
  missing_config: (text) => ({ variable: extractVariable(text), path: extractPath(text) }),
  permission_denied: (text, anchor) => ({ path: extractPath(text), port: extractListenPort(text, anchor) }),
  missing_binary: (text) => ({ command: extractCommand(text) }),
  segfault: () => ({}),
  out_of_memory: () => ({}),
  timeout: (text, anchor) => ({ address: extractAddress(text, anchor) }),
};

/** Node's `listen EACCES: permission denied 0.0.0.0:80`: a port below 1024 without the right. */
function extractListenPort(text: string, anchor: number): number | undefined {
  return /\blisten\b/i.test(text) ? extractPort(text, anchor) : undefined;
}

/**
 * A later line saying the connection was made: a refusal or a lookup failure before it is history
 * (a dependency that was still starting), not the reason for what happened after.
 */
const connectedAgain =
  /\b(?:connected to|reconnected|successfully connected|connection (?:established|restored)|ready to accept connections)\b/;
const notConnected = /\b(?:not|never|failed|unable|could not|cannot)\b/;
/** Causes a later successful connection takes back. */
const takenBackByConnection: readonly LogCause[] = ['dependency_unreachable', 'dns_failure'];

const cache = new WeakMap<DiagnosisContext, LogEvidence>();

/**
 * Reads the context's log tail once (the newest `maxScannedLines`, each cut to 4 KB and
 * normalized) plus the engine's error message for the container (where an OCI runtime says
 * `exec: "x": executable file not found`), and records the first line naming each cause with the
 * facts it carries. Cached per context object, so every rule shares one pass.
 */
export function readLogEvidence(context: DiagnosisContext): LogEvidence {
  const cached = cache.get(context);
  if (cached !== undefined) return cached;
  const evidence = scanLogLines(context.logTail, { engineError: context.container?.error || undefined });
  cache.set(context, evidence);
  return evidence;
}

/** The evidence in `lines` (oldest first) and the engine's error message; see `readLogEvidence`. */
export function scanLogLines(
  lines: readonly string[],
  options: { readonly engineError?: string | undefined } = {},
): LogEvidence {
  const findings = new Map<LogCause, LogFinding>();
  const lastSeen = new Map<LogCause, number>();
  let lastConnected = -1;
  const logLines = lines.slice(-maxScannedLines).map(normalizeLogLine);
  const normalized =
    options.engineError === undefined ? logLines : [...logLines, normalizeLogLine(options.engineError)];
  normalized.forEach((text, line) => {
    const lower = asciiLowerCase(text);
    if (connectedAgain.test(lower) && !notConnected.test(lower)) lastConnected = line;
    for (const signature of logSignatures) {
      if (findings.has(signature.cause)) {
        if (takenBackByConnection.includes(signature.cause) && signature.find(lower, text) >= 0) {
          lastSeen.set(signature.cause, line);
        }
        continue;
      }
      const anchor = signature.find(lower, text);
      if (anchor < 0) continue;
      lastSeen.set(signature.cause, line);
      const facts = factsFor[signature.cause](text, anchor);
      findings.set(signature.cause, {
        cause: signature.cause,
        signature,
        line,
        source: line < logLines.length ? 'logs' : 'engine',
        facts: signature.variable === undefined ? facts : { ...facts, variable: signature.variable },
      });
    }
  });
  for (const cause of takenBackByConnection) {
    if ((lastSeen.get(cause) ?? Number.POSITIVE_INFINITY) < lastConnected) findings.delete(cause);
  }
  return { findings, lines: logLines.length, firstError: firstErrorExcerpt(logLines) };
}

/**
 * Lower case for ASCII letters only, so positions in the result are positions in `text` (a
 * full Unicode lower-casing may change the length) and our ASCII phrases still match.
 */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** Error lines tried for an excerpt: one that reads like an instruction is skipped, not quoted. */
const maxExcerptCandidates = 20;

function firstErrorExcerpt(lines: readonly string[]): string | undefined {
  let from = 0;
  for (let tried = 0; tried < maxExcerptCandidates && from < lines.length; tried++) {
    const index = firstErrorLineIndex(lines.slice(from));
    if (index < 0) return undefined;
    const excerpt = logExcerpt(lines[from + index]!);
    if (excerpt !== undefined) return excerpt;
    from += index + 1;
  }
  return undefined;
}
