import { sanitizeFact } from './log-text.js';

/**
 * Facts pulled out of one normalized log line (see `normalizeLogLine`: at most 4 KB, no control
 * characters). Every pattern here is bounded (no unbounded quantifier next to another that can
 * match the same text), so each runs in time linear in the line; every result is re-checked
 * against a narrow character set and sanitised before a diagnosis may quote it.
 */

/** `host:port` tokens: an IPv4 address, `[v6]`, `::`, `*`, a host name, or nothing before `:port`. */
const addressToken =
  /(?:^|[\s(,'"=[/@])((?:\d{1,3}\.){3}\d{1,3}|\[[0-9A-Fa-f:.]{0,45}\]|::|\*|[A-Za-z][A-Za-z0-9.-]{0,62})?:(\d{1,5})(?!\d|:\d)/g;

export interface AddressToken {
  /** Undefined for a bare `:8080`. */
  readonly host: string | undefined;
  readonly port: number;
  /** Where the token starts in the line. */
  readonly index: number;
}

/** `main.go:42`, `app.js:17`: a source file and line, not a host and port. */
const sourceFile = /\.(?:go|js|mjs|cjs|ts|py|rb|java|kt|scala|c|cc|cpp|h|rs|php|cs|ex|exs|erl|lua|pl)$/i;

const validPort = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const port = Number(text);
  return Number.isInteger(port) && port >= 1 && port <= 65_535 ? port : undefined;
};

/**
 * The `host:port` tokens of a line (at most 16), nearest to `anchor` first when one is given (the
 * position of the words that matched, so a JSON line's `"caller":"main.go:42"` or a client
 * address does not win over the address the error is about). Times such as `10:14:22` and source
 * positions such as `main.go:42` are not addresses.
 */
export function addressTokens(text: string, anchor?: number): AddressToken[] {
  const tokens: AddressToken[] = [];
  for (const match of text.matchAll(addressToken)) {
    const port = validPort(match[2]);
    const host = match[1];
    if (port !== undefined && !(host !== undefined && sourceFile.test(host))) {
      tokens.push({ host, port, index: match.index });
    }
    if (tokens.length >= 16) break;
  }
  if (anchor === undefined) return tokens;
  return tokens.sort((a, b) => Math.abs(a.index - anchor) - Math.abs(b.index - anchor));
}

const portWord = /\bport\s+(\d{1,5})\b/i;
/** Python's `('0.0.0.0', 8000)`. */
const pythonAddress = /\(\s*'[^']{0,64}'\s*,\s*(\d{1,5})\s*\)/;

/** The port a server failed to bind: `port 8080`, `:::8080`, `0.0.0.0:80`, `('0.0.0.0', 8000)`. */
export function extractPort(text: string, anchor?: number): number | undefined {
  return (
    validPort(portWord.exec(text)?.[1]) ??
    validPort(pythonAddress.exec(text)?.[1]) ??
    addressTokens(text, anchor)[0]?.port
  );
}

/** libpq: `connection to server at "db" (172.18.0.2), port 5432 failed`. */
const libpqTarget = /server at "([A-Za-z0-9._:-]{1,253})"(?: \([0-9A-Fa-f.:]{1,45}\))?, port (\d{1,5})/;
/** libpq before 14: `Is the server running on host "db" (172.18.0.2) and accepting`. */
const libpqHost = /on host "([A-Za-z0-9._-]{1,253})"/;
/** Where a connection went: `host:port` (or a host alone), sanitised; nearest `anchor` first. */
export function extractAddress(text: string, anchor?: number): string | undefined {
  const libpq = libpqTarget.exec(text);
  if (libpq !== null) {
    const port = validPort(libpq[2]);
    return sanitizeFact(port === undefined ? libpq[1] : `${libpq[1]}:${port}`);
  }
  const token = addressTokens(text, anchor).find(
    (candidate) => candidate.host !== undefined && candidate.host !== '*',
  );
  if (token !== undefined) return sanitizeFact(`${token.host}:${token.port}`);
  return sanitizeFact(libpqHost.exec(text)?.[1]);
}

const hostPatterns: readonly RegExp[] = [
  /getaddrinfo (?:ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL) ([A-Za-z0-9._-]{1,253})/i,
  /\blookup ([A-Za-z0-9._-]{1,253})\b/,
  /host name "([A-Za-z0-9._-]{1,253})"/,
  /UnknownHostException: ([A-Za-z0-9._-]{1,253})/,
  /host not found in upstream "([A-Za-z0-9._-]{1,253})/,
  /could not resolve host:? ([A-Za-z0-9._-]{1,253})/i,
  /(?:resolve|resolving) (?:host )?'?([A-Za-z0-9._-]{1,253})'?: /i,
  /\bbad address '([A-Za-z0-9._-]{1,253})/,
];

/** The host name that did not resolve: `ENOTFOUND db`, `lookup postgres on ...`, `host name "db"`. */
export function extractHost(text: string): string | undefined {
  for (const pattern of hostPatterns) {
    const host = pattern.exec(text)?.[1];
    if (host !== undefined) return sanitizeFact(host.replace(/[.:]+$/, ''));
  }
  return undefined;
}

/** A quoted path: absolute, `./x`, or relative with a directory (`base/16384/16397`). */
const quotedPath = /["']((?:\/|\.{1,2}\/|[A-Za-z0-9_.-]{1,64}\/)[^"'\s]{0,300})["']/;
/** Go and shells: `write /data/app.db: no space left on device`, `exec /app/run.sh: ...`. */
const verbPath =
  /\b(?:write|writing|open|opening|mkdir|create|creating|read|remove|rename|stat|lstat|chmod|chown|exec|unlink|access|scandir)\s+(\/[^\s:'"]{1,300})/i;
/** Java: `FileNotFoundException: /data/app.log (Permission denied)`. */
const pathAfterColon = /:\s(\/[A-Za-z0-9._\-/]{1,300})/;
/** nginx: `unknown directive "x" in /etc/nginx/conf.d/default.conf:7`. */
const pathAfterIn = /\bin (\/[A-Za-z0-9._\-/]{1,300})/;
/** Any absolute path to a configuration file: `failed to parse config /etc/app.yaml`. */
const configPath =
  /(?:^|[\s=(])(\/[A-Za-z0-9._\-/]{1,300}\.(?:conf|cfg|ya?ml|json|toml|ini|env|properties|xml))\b/;

/** The file or directory a line is about, sanitised. */
export function extractPath(text: string): string | undefined {
  const path =
    quotedPath.exec(text)?.[1] ??
    verbPath.exec(text)?.[1] ??
    pathAfterColon.exec(text)?.[1] ??
    pathAfterIn.exec(text)?.[1] ??
    configPath.exec(text)?.[1];
  return sanitizeFact(path?.replace(/[.,;]+$/, ''));
}

const levelWords = new Set([
  'ERROR',
  'FATAL',
  'WARN',
  'WARNING',
  'INFO',
  'DEBUG',
  'CRITICAL',
  'PANIC',
  'TRACE',
]);
const upperIdentifier = /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]+)\b/g;
const variablePatterns: readonly RegExp[] = [
  /\bKeyError: '([A-Z_][A-Z0-9_]{1,63})'/,
  /\bplaceholder '([A-Za-z_][A-Za-z0-9_.-]{0,63})'/,
  /\brequired key ([A-Z_][A-Z0-9_]{1,63}) missing value/,
  /\bmust specify ([A-Z_][A-Z0-9_]{1,63})\b/,
];
const variableKeywords = ['environment variable', 'env variable', 'env var', 'environment key'] as const;

/** The first upper-case identifier in `text` that is not a log level (`DATABASE_URL`). */
function firstVariableName(text: string): string | undefined {
  for (const match of text.matchAll(upperIdentifier)) {
    const name = match[1]!;
    if (!levelWords.has(name) && name.length <= 64) return name;
  }
  return undefined;
}

/**
 * The configuration variable a line says is missing: Python's `KeyError: 'DATABASE_URL'`,
 * Spring's `placeholder 'DB_URL'`, envconfig's `required key X missing value`, or an upper-case
 * name near "environment variable" (after it first, then before it).
 */
export function extractVariable(text: string): string | undefined {
  for (const pattern of variablePatterns) {
    const name = pattern.exec(text)?.[1];
    if (name !== undefined) return sanitizeFact(name, 64);
  }
  const lower = text.toLowerCase();
  for (const keyword of variableKeywords) {
    const at = lower.indexOf(keyword);
    if (at < 0) continue;
    const after = firstVariableName(text.slice(at + keyword.length, at + keyword.length + 80));
    if (after !== undefined) return sanitizeFact(after, 64);
    const before = text.slice(Math.max(0, at - 80), at);
    const names = [...before.matchAll(upperIdentifier)].map((match) => match[1]!);
    const last = names.filter((name) => !levelWords.has(name)).at(-1);
    if (last !== undefined) return sanitizeFact(last, 64);
  }
  return undefined;
}

const commandPatterns: readonly RegExp[] = [
  /exec: "([^"\s]{1,200})": executable file not found/,
  /\bexec (\/?[^\s:"]{1,200}): (?:no such file or directory|exec format error)/i,
  /\b(?:sh|bash|ash|dash|zsh):(?: (?:line )?\d+:)? ([^\s:]{1,100}): (?:command )?not found/,
  /Cannot find module '([^'\s]{1,200})'/,
  /can't open file '([^'\s]{1,200})'/,
  /No module named '([^'\s]{1,100})'/,
  /Unable to access jarfile (\S{1,200})/,
  /Could not find or load main class (\S{1,200})/,
];

/** The command, entrypoint, module or jar that could not be run or found, sanitised. */
export function extractCommand(text: string): string | undefined {
  for (const pattern of commandPatterns) {
    const command = pattern.exec(text)?.[1];
    if (command !== undefined) return sanitizeFact(command);
  }
  return undefined;
}
