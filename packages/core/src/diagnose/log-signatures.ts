import type { FailureCause } from '../domain/failure-cause.js';

/** The causes a log line can name by itself. */
export type LogCause = Extract<
  FailureCause,
  | 'disk_full'
  | 'read_only_filesystem'
  | 'too_many_open_files'
  | 'connection_exhaustion'
  | 'port_in_use'
  | 'dependency_unreachable'
  | 'dns_failure'
  | 'tls_failure'
  | 'missing_config'
  | 'permission_denied'
  | 'missing_binary'
  | 'segfault'
  | 'out_of_memory'
  | 'timeout'
>;

/**
 * How real software says one failure: PostgreSQL, MySQL, Redis, nginx, Node, Python, Java, Go and
 * the shells each word it their own way, in any case, behind any prefix (timestamps, levels, JSON
 * fields). A signature is a fixed phrase of ours searched in the lower-cased line (a substring, or
 * a bounded pattern); the phrase, never the line, is what a reasoning quotes.
 */
export interface LogSignature {
  readonly cause: LogCause;
  /** Our own words, quoted in a reasoning: "no space left on device". */
  readonly pattern: string;
  /** What this wording means, for the diagnosis: "connection refused", "certificate has expired". */
  readonly meaning?: string;
  /** The errno or error code it stands for, when there is one: ENOSPC, EADDRINUSE. */
  readonly code?: string;
  /** A fact the wording implies, when the line itself does not carry it (the postgres image). */
  readonly variable?: string;
  /**
   * Where the wording starts in the line, or -1 when the line does not say it. `lower` is the
   * normalized line in lower case, `text` the same line with its case kept (same length).
   */
  find(lower: string, text: string): number;
}

type Extra = Omit<LogSignature, 'cause' | 'pattern' | 'find'> & { readonly unless?: readonly string[] };

const without = (lower: string, unless: readonly string[] | undefined) =>
  unless === undefined || !unless.some((word) => lower.includes(word));

/** The line contains `phrase` (lower case), and none of `unless`. */
function phrase(cause: LogCause, text: string, extra: Extra = {}): LogSignature {
  const { unless, ...rest } = extra;
  return {
    cause,
    pattern: text,
    ...rest,
    find: (lower) => (without(lower, unless) ? lower.indexOf(text) : -1),
  };
}

/** The line contains every one of `phrases`; quoted as the first. */
function phrases(cause: LogCause, all: readonly string[], extra: Extra = {}): LogSignature {
  const { unless, ...rest } = extra;
  return {
    cause,
    pattern: all[0]!,
    ...rest,
    find: (lower) =>
      all.every((part) => lower.includes(part)) && without(lower, unless) ? lower.indexOf(all[0]!) : -1,
  };
}

/** A bounded pattern over the lower-cased line (no nested or adjacent overlapping repetition). */
function pattern(cause: LogCause, label: string, regex: RegExp, extra: Extra = {}): LogSignature {
  const { unless, ...rest } = extra;
  return {
    cause,
    pattern: label,
    ...rest,
    find: (lower) => (without(lower, unless) ? (regex.exec(lower)?.index ?? -1) : -1),
  };
}

/** A pattern over the line with its case kept (for names that are upper case by convention). */
function casedPattern(cause: LogCause, label: string, regex: RegExp, extra: Extra = {}): LogSignature {
  return { cause, pattern: label, ...extra, find: (_lower, text) => regex.exec(text)?.index ?? -1 };
}

const configFileExtension = /\.(?:conf|cfg|ya?ml|json|toml|ini|env|properties|xml)\b/;

/**
 * Every signature, grouped by cause. Within a cause the more precise wording comes first, since
 * the first signature a line matches gives its meaning (Python's "certificate verify failed:
 * certificate has expired" is an expired certificate, not a generic verification failure).
 */
export const logSignatures: readonly LogSignature[] = [
  // Disk full: errno 28.
  phrase('disk_full', 'no space left on device', { code: 'ENOSPC' }),
  pattern('disk_full', 'ENOSPC', /\benospc\b/, { code: 'ENOSPC' }),
  phrase('disk_full', 'could not extend file', { code: 'ENOSPC' }),
  phrase('disk_full', 'disk quota exceeded', { code: 'EDQUOT' }),
  pattern('disk_full', 'EDQUOT', /\bedquot\b/, { code: 'EDQUOT' }),
  pattern('disk_full', 'disk is full', /\bdisk (?:is )?full\b/, { code: 'ENOSPC', unless: ['not full'] }),

  // Read-only file system: errno 30.
  pattern('read_only_filesystem', 'read-only file system', /\bread[- ]only file ?system\b/, {
    code: 'EROFS',
  }),
  pattern('read_only_filesystem', 'EROFS', /\berofs\b/, { code: 'EROFS' }),

  // Too many open files: errno 24 (per process) and 23 (system-wide).
  phrase('too_many_open_files', 'too many open files', { code: 'EMFILE' }),
  pattern('too_many_open_files', 'EMFILE', /\bemfile\b/, { code: 'EMFILE' }),
  pattern('too_many_open_files', 'ENFILE', /\benfile\b|\bfile table overflow\b/, { code: 'ENFILE' }),

  // Connection exhaustion: the server is reachable but has no slot left, or the pool has none.
  phrase('connection_exhaustion', 'too many clients', {
    meaning: 'the PostgreSQL server has no free connection slot',
  }),
  phrase('connection_exhaustion', 'remaining connection slots are reserved', {
    meaning: 'the PostgreSQL server has no free connection slot',
  }),
  phrase('connection_exhaustion', 'too many connections', {
    meaning: 'the database server has too many connections',
  }),
  phrase('connection_exhaustion', 'max number of clients reached', {
    meaning: 'the Redis server reached its client limit',
  }),
  phrase('connection_exhaustion', 'connection is not available, request timed out', {
    meaning: 'no free connection in its HikariCP pool',
  }),
  phrase('connection_exhaustion', 'queuepool limit of size', {
    meaning: 'no free connection in its SQLAlchemy pool',
  }),
  phrase('connection_exhaustion', 'timeout acquiring a connection', {
    meaning: 'no free connection in its Knex pool',
  }),
  phrase('connection_exhaustion', 'timed out fetching a new connection from the connection pool', {
    meaning: 'no free connection in its Prisma pool',
  }),
  phrase('connection_exhaustion', 'timeout exceeded when trying to connect', {
    meaning: 'no free connection in its node-postgres pool',
  }),
  pattern(
    'connection_exhaustion',
    'connection pool exhausted',
    /\b(?:connection )?pool (?:is )?exhausted\b/,
    {
      meaning: 'its connection pool is exhausted',
    },
  ),

  // Port in use: errno 98.
  phrase('port_in_use', 'address already in use', { code: 'EADDRINUSE' }),
  pattern('port_in_use', 'EADDRINUSE', /\beaddrinuse\b/, { code: 'EADDRINUSE' }),
  phrase('port_in_use', 'port is already allocated'),
  pattern('port_in_use', 'port already in use', /\bport \d{1,5} (?:is |was )?already in use\b/),
  pattern('port_in_use', 'address in use', /\baddress in use\b/, { code: 'EADDRINUSE' }),

  // Name resolution: before refusals, since a name that does not resolve is never connected to.
  pattern('dns_failure', 'EAI_AGAIN', /\beai_again\b/, {
    meaning: 'temporary DNS failure',
    code: 'EAI_AGAIN',
  }),
  phrase('dns_failure', 'temporary failure in name resolution', { meaning: 'temporary DNS failure' }),
  phrase('dns_failure', 'server misbehaving', { meaning: 'temporary DNS failure' }),
  pattern('dns_failure', 'ENOTFOUND', /\benotfound\b/, { meaning: 'name not found', code: 'ENOTFOUND' }),
  phrase('dns_failure', 'name or service not known', { meaning: 'name not found' }),
  phrase('dns_failure', 'no such host', { meaning: 'name not found' }),
  phrase('dns_failure', 'could not translate host name', { meaning: 'name not found' }),
  phrase('dns_failure', 'unknownhostexception', { meaning: 'name not found' }),
  phrase('dns_failure', 'host not found in upstream', { meaning: 'name not found' }),
  phrase('dns_failure', 'could not resolve host', { meaning: 'name not found' }),
  phrase('dns_failure', 'nodename nor servname provided', { meaning: 'name not found' }),
  // busybox (wget, nc, ping) and musl (Alpine images): `wget: bad address 'db:5432'`.
  pattern('dns_failure', 'bad address', /\bbad address '/, { meaning: 'name not found' }),
  phrase('dns_failure', 'name does not resolve', { meaning: 'name not found' }),

  // TLS: the most precise reason first.
  phrase('tls_failure', 'certificate has expired', { meaning: 'certificate has expired' }),
  pattern('tls_failure', 'CERT_HAS_EXPIRED', /\bcert_has_expired\b|\bcertificate expired\b/, {
    meaning: 'certificate has expired',
  }),
  phrase('tls_failure', 'certificate is not yet valid', { meaning: 'certificate is not yet valid' }),
  phrase('tls_failure', 'certificate signed by unknown authority', {
    meaning: 'certificate not trusted (unknown authority)',
  }),
  phrase('tls_failure', 'unable to verify the first certificate', {
    meaning: 'certificate not trusted (unknown authority)',
  }),
  phrase('tls_failure', 'unable to get local issuer certificate', {
    meaning: 'certificate not trusted (unknown authority)',
  }),
  pattern('tls_failure', 'self-signed certificate', /\bself[- ]signed certificate\b/, {
    meaning: 'certificate not trusted (self-signed)',
  }),
  phrase('tls_failure', 'pkix path building failed', {
    meaning: 'certificate not trusted (unknown authority)',
  }),
  phrase('tls_failure', "does not match certificate's altnames", {
    meaning: 'certificate does not match the host name',
  }),
  phrase('tls_failure', 'hostname mismatch', { meaning: 'certificate does not match the host name' }),
  phrase('tls_failure', 'x509: certificate is valid for', {
    meaning: 'certificate does not match the host name',
  }),
  phrase('tls_failure', 'tls: handshake failure', { meaning: 'TLS handshake failed' }),
  phrase('tls_failure', 'sslhandshakeexception', { meaning: 'TLS handshake failed' }),
  pattern(
    'tls_failure',
    'handshake failure',
    /\b(?:ssl|tls)\b.{0,60}\bhandshake(?: failure|_failure| failed)\b/,
    {
      meaning: 'TLS handshake failed',
    },
  ),
  phrase('tls_failure', 'wrong version number', { meaning: 'TLS handshake failed (wrong version number)' }),
  phrase('tls_failure', 'certificate verify failed', { meaning: 'certificate verification failed' }),
  phrase('tls_failure', 'x509:', { meaning: 'certificate verification failed' }),

  // A dependency that does not answer: refused, unroutable, or silent while connecting.
  pattern('dependency_unreachable', 'ECONNREFUSED', /\beconnrefused\b/, {
    meaning: 'connection refused',
    code: 'ECONNREFUSED',
  }),
  phrase('dependency_unreachable', 'connection refused', { meaning: 'connection refused' }),
  phrase('dependency_unreachable', 'is the server running', { meaning: 'connection refused' }),
  // PostgreSQL's JDBC driver: "Connection to localhost:5432 refused."
  pattern('dependency_unreachable', 'connection to ... refused', /\bconnection to \S{1,260} refused\b/, {
    meaning: 'connection refused',
  }),
  pattern('dependency_unreachable', 'EHOSTUNREACH', /\behostunreach\b/, {
    meaning: 'no route to host',
    code: 'EHOSTUNREACH',
  }),
  phrase('dependency_unreachable', 'no route to host', { meaning: 'no route to host' }),
  phrase('dependency_unreachable', 'host is unreachable', { meaning: 'no route to host' }),
  pattern('dependency_unreachable', 'ENETUNREACH', /\benetunreach\b|\bnetwork is unreachable\b/, {
    meaning: 'network unreachable',
  }),
  pattern('dependency_unreachable', 'connect ETIMEDOUT', /\bconnect etimedout\b/, {
    meaning: 'connection timed out',
    code: 'ETIMEDOUT',
  }),
  pattern('dependency_unreachable', 'dial tcp ... i/o timeout', /\bdial tcp\b.{0,120}\bi\/o timeout\b/, {
    meaning: 'connection timed out',
  }),
  pattern('dependency_unreachable', 'connect timed out', /\bconnect(?:ion)? timed out\b/, {
    meaning: 'connection timed out',
    // nginx's "upstream timed out (110: Connection timed out) while reading response header" is a
    // slow answer, not an unreachable upstream.
    unless: ['while reading', 'while sending', 'read timed out'],
  }),

  // Missing or invalid configuration. Before permissions and missing files: a config file that
  // does not exist, or credentials that are wrong, are configuration too.
  phrase('missing_config', 'superuser password is not specified', { variable: 'POSTGRES_PASSWORD' }),
  phrase('missing_config', 'password option is not specified', { variable: 'MYSQL_ROOT_PASSWORD' }),
  pattern(
    'missing_config',
    'missing required environment variable',
    /\b(?:missing|required|undefined|unset|no)\b.{0,40}\b(?:environment variable|env var)/,
  ),
  pattern(
    'missing_config',
    'environment variable not set',
    /\b(?:environment variable|env var)(?:iable)?s?\b.{0,80}\b(?:not set|is required|are required|required|missing|must be set|not defined|undefined|is empty|not provided)\b/,
  ),
  pattern(
    'missing_config',
    'variable is not set',
    /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+ (?:is not set|must be set|is required but|env(?:ironment)? variable is (?:not set|required|missing))\b/,
  ),
  casedPattern('missing_config', "KeyError: 'NAME'", /\bKeyError: '[A-Z_][A-Z0-9_]{1,63}'/),
  phrase('missing_config', 'could not resolve placeholder'),
  pattern('missing_config', 'required key missing value', /\brequired key \S{1,64} missing value\b/),
  phrase('missing_config', 'failed to configure a datasource'),
  phrase('missing_config', 'improperlyconfigured'),
  pattern('missing_config', 'validation error for settings', /\bvalidation errors? for \w{0,40}settings\b/),
  phrase('missing_config', 'password authentication failed for user', {
    meaning: 'wrong database credentials',
  }),
  phrase('missing_config', 'access denied for user', { meaning: 'wrong database credentials' }),
  phrase('missing_config', 'noauth authentication required', { meaning: 'missing Redis password' }),
  phrase('missing_config', 'wrongpass', { meaning: 'wrong Redis password' }),
  phrase('missing_config', 'unknown directive', { meaning: 'unknown directive' }),
  phrase('missing_config', 'directive is not allowed here', { meaning: 'invalid configuration' }),
  phrase('missing_config', 'fatal config file error', { meaning: 'invalid configuration file' }),
  phrase('missing_config', 'bad directive or wrong number of arguments', {
    meaning: 'invalid configuration file',
  }),
  phrase('missing_config', "can't open config file", { meaning: 'configuration file not found' }),
  phrase('missing_config', 'could not access the server configuration file', {
    meaning: 'configuration file not found',
  }),
  phrases('missing_config', ['configuration file', 'contains errors'], {
    meaning: 'invalid configuration file',
  }),
  phrase('missing_config', 'unrecognized configuration parameter', { meaning: 'invalid configuration' }),
  phrases('missing_config', ['configuration file', 'test failed'], { meaning: 'invalid configuration file' }),
  pattern(
    'missing_config',
    'configuration file not found',
    /\bconfig(?:uration)?(?: file)?\b.{0,60}\b(?:not found|does not exist|no such file or directory)\b/,
    { meaning: 'configuration file not found' },
  ),
  {
    cause: 'missing_config',
    pattern: 'no such file or directory (a configuration file)',
    meaning: 'configuration file not found',
    find: (lower) =>
      !lower.includes('exec') && configFileExtension.test(lower)
        ? lower.indexOf('no such file or directory')
        : -1,
  },
  phrase('missing_config', 'failed to parse config', { meaning: 'its configuration does not parse' }),
  phrase('missing_config', 'could not parse config', { meaning: 'its configuration does not parse' }),
  pattern('missing_config', 'yaml: line', /\byaml: line \d/, { meaning: 'its configuration does not parse' }),
  phrase('missing_config', 'error loading config', { meaning: 'its configuration does not load' }),
  phrase('missing_config', 'failed to load config', { meaning: 'its configuration does not load' }),
  phrase('missing_config', 'missing required configuration', { meaning: 'missing required configuration' }),
  phrase('missing_config', 'invalid configuration', { meaning: 'invalid configuration' }),
  phrase('missing_config', 'invalid config', { meaning: 'invalid configuration' }),
  phrase('missing_config', 'configuration error', { meaning: 'invalid configuration' }),
  phrase('missing_config', 'config error', { meaning: 'invalid configuration' }),
  phrase('missing_config', 'unknown configuration', { meaning: 'invalid configuration' }),
  phrase('missing_config', 'unrecognized option', { meaning: 'unknown command-line option' }),
  phrase('missing_config', 'unknown flag', { meaning: 'unknown command-line option' }),

  // Permission denied: errno 13 and 1, and PostgreSQL's checks on its data directory.
  phrase('permission_denied', 'has wrong ownership', { meaning: 'wrong ownership' }),
  phrase('permission_denied', 'has invalid permissions', { meaning: 'invalid permissions' }),
  phrase('permission_denied', 'permission denied', { code: 'EACCES' }),
  pattern('permission_denied', 'EACCES', /\beacces\b/, { code: 'EACCES' }),
  phrase('permission_denied', 'operation not permitted', { code: 'EPERM' }),
  phrase('permission_denied', 'accessdeniedexception', { code: 'EACCES' }),

  // Missing binary or entrypoint: the image cannot run what it is told to.
  phrase('missing_binary', 'executable file not found in $path', { meaning: 'executable not found' }),
  phrase('missing_binary', 'exec format error', { meaning: 'exec format error' }),
  phrases('missing_binary', ['exec user process caused', 'no such file or directory'], {
    meaning: 'entrypoint not found',
  }),
  pattern(
    'missing_binary',
    'exec ...: no such file or directory',
    /\bexec \S{1,200}: no such file or directory\b/,
    {
      meaning: 'entrypoint not found',
    },
  ),
  pattern(
    'missing_binary',
    'not found',
    /\b(?:sh|bash|ash|dash|zsh):(?: (?:line )?\d+:)? \S{1,100}: not found\b/,
    {
      meaning: 'command not found',
    },
  ),
  phrase('missing_binary', 'command not found', { meaning: 'command not found' }),
  phrase('missing_binary', 'cannot find module', { meaning: 'module not found' }),
  phrase('missing_binary', 'no module named', { meaning: 'module not found' }),
  phrase('missing_binary', "can't open file", { meaning: 'entrypoint not found' }),
  phrase('missing_binary', 'unable to access jarfile', { meaning: 'entrypoint not found' }),
  phrase('missing_binary', 'could not find or load main class', { meaning: 'entrypoint not found' }),

  // Segmentation fault: signal 11.
  phrase('segfault', 'segmentation fault', { code: 'SIGSEGV' }),
  pattern('segfault', 'SIGSEGV', /\bsigsegv\b/, { code: 'SIGSEGV' }),
  pattern('segfault', 'segfault', /\bsegfault\b/, { code: 'SIGSEGV' }),
  pattern('segfault', 'terminated by signal 11', /\bsignal 11\b/, { code: 'SIGSEGV' }),

  // Out of memory, as the runtime itself says it (the kernel's kill is Docker's OOMKilled flag).
  phrase('out_of_memory', 'javascript heap out of memory', { meaning: 'JavaScript heap' }),
  phrase('out_of_memory', 'outofmemoryerror', { meaning: 'Java heap' }),
  phrase('out_of_memory', 'runtime: out of memory', { meaning: 'Go runtime' }),
  pattern('out_of_memory', 'MemoryError', /\bmemoryerror\b/, { meaning: 'Python MemoryError' }),
  phrase('out_of_memory', 'cannot allocate memory', { code: 'ENOMEM' }),
  pattern('out_of_memory', 'ENOMEM', /\benomem\b/, { code: 'ENOMEM' }),
  pattern('out_of_memory', 'out of memory', /\bout of memory\b/),

  // Timeouts while waiting for an answer (connection timeouts are above, as unreachable).
  phrase('timeout', 'upstream timed out', { meaning: 'upstream timed out' }),
  phrase('timeout', 'context deadline exceeded', { meaning: 'deadline exceeded' }),
  phrase('timeout', 'read timed out', { meaning: 'read timed out' }),
  phrase('timeout', 'statement timeout', { meaning: 'statement timeout' }),
  pattern('timeout', 'ETIMEDOUT', /\betimedout\b/, { meaning: 'timed out', code: 'ETIMEDOUT' }),
  pattern('timeout', 'timed out', /\b(?:request|operation|query|gateway) timed out\b/, {
    meaning: 'timed out',
  }),
];
