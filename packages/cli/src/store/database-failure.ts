import { MonitorError, StoreError } from '@website-monitor/core';

/**
 * The database could not be reached or opened: the command was right, the world was not. Printed
 * as one line naming where (the redacted URL or the file), and exits 1, not 2 (a usage mistake):
 * a script can retry a 1 and must fix its command or config for a 2.
 */
export class DatabaseUnavailableError extends StoreError {
  readonly unavailable = true;
  /** The redacted URL or the SQLite file path. */
  readonly where: string;

  constructor(where: string, reason: string, options?: { cause?: unknown; subject?: 'database' | 'spool' }) {
    super(
      reason === notMigrated
        ? `the database at ${where} has no website-monitor tables yet; run \`website-monitor db migrate\``
        : options?.subject === 'spool'
          ? `cannot open the spool at ${where}: ${reason}`
          : `cannot reach the database at ${where}: ${reason}`,
      options?.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = 'DatabaseUnavailableError';
    this.where = where;
  }

  static is(value: unknown): value is DatabaseUnavailableError {
    return (
      MonitorError.isInstance(value) &&
      value.code === 'store' &&
      (value as { unavailable?: unknown }).unavailable === true
    );
  }
}

/** Network, DNS, TLS and the server refusing us: nothing our code can fix. */
const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EEXIST',
  'EISDIR',
  'ENOSPC',
  // PostgreSQL SQLSTATEs: bad password or no such role, no such database, server starting or
  // shutting down, too many connections.
  '28P01',
  '28000',
  '3D000',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** SQLite result codes: busy, read-only, cannot open, not a database, disk full, corrupt. */
const sqliteUnavailableCodes = new Set([5, 8, 11, 13, 14, 26]);
const missingTableCodes = new Set(['42P01']);

const notMigrated = 'the database has no website-monitor tables yet; run `website-monitor db migrate`';

/**
 * Why a store call failed, in words for a person, when the failure is about the database being
 * unreachable, unopenable or not yet migrated; undefined when it looks like a bug (which keeps
 * its stack). Looks through `cause` chains and `AggregateError`s (pg tries each address).
 */
export function describeDatabaseFailure(error: unknown): string | undefined {
  for (const candidate of causes(error)) {
    const { code, errcode, message } = candidate as { code?: unknown; errcode?: unknown; message?: unknown };
    const text = typeof message === 'string' && message !== '' ? message : innerMessages(candidate, code);
    if (typeof code === 'string' && missingTableCodes.has(code)) return notMigrated;
    if (typeof message === 'string' && /no such table: monitor_/.test(message)) return notMigrated;
    if (typeof code === 'string' && connectionErrorCodes.has(code)) return text;
    if (typeof errcode === 'number' && sqliteUnavailableCodes.has(errcode & 0xff)) return text;
    if (
      typeof message === 'string' &&
      /connection terminated|timeout expired|connection timeout/i.test(message)
    ) {
      return text;
    }
  }
  return undefined;
}

/** Node's happy-eyeballs connect fails with an empty-message AggregateError of one error per address. */
function innerMessages(error: object, code: unknown): string {
  if (!(error instanceof AggregateError)) return String(code);
  const messages = error.errors.map((inner: unknown) =>
    inner instanceof Error ? inner.message : String(inner),
  );
  return [...new Set(messages)].join('; ') || String(code);
}

function* causes(error: unknown, depth = 0): Generator<object> {
  if (typeof error !== 'object' || error === null || depth > 8) return;
  yield error;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* causes(inner, depth + 1);
  yield* causes((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Removes the password of `url` from `text`, raw and percent-decoded, whatever printed it. A
 * password under four characters is not searched for (it would mangle ordinary words); the
 * whole URL is still replaced wherever it appears.
 */
export function withoutPassword(text: string, url: string | undefined): string {
  if (url === undefined || !URL.canParse(url)) return text;
  const parsed = new URL(url);
  const secrets = [parsed.password, ...parsed.searchParams.getAll('password')].filter(
    (secret) => secret.length >= 4,
  );
  let scrubbed = text.replaceAll(url, '[connection string]');
  for (const secret of secrets) {
    scrubbed = scrubbed.replaceAll(secret, '***');
    const decoded = safeDecode(secret);
    if (decoded.length >= 4) scrubbed = scrubbed.replaceAll(decoded, '***');
  }
  return scrubbed;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
