import type { RawOutcome } from './raw-http.js';
import type { SeededRandom } from './seeded-random.js';

/** One adversarial request and what counts as a good answer to it. */
export interface ApiCase {
  readonly area: string;
  /** Short and printable, for the failure message. */
  readonly name: string;
  readonly request: string | Buffer | readonly (string | Buffer)[];
  readonly endAfterWrite?: boolean;
  readonly timeoutMs?: number;
  /** A violation, or undefined when the outcome is acceptable. */
  judge(outcome: RawOutcome): string | undefined;
}

/** What the generators need to know about the server under test. */
export interface ApiTarget {
  readonly port: number;
  readonly token: string;
  /** A container with a month of health samples in the store. */
  readonly seededContainer: string;
  /** A container the agent watches. */
  readonly watchedContainer: string;
}

/** Routes that hand out the agent's data: what a DNS-rebinding page would read. */
export const dataRoutes = [
  '/monitor/status',
  '/monitor/incidents',
  '/monitor/approvals',
  '/monitor/events',
  '/metrics',
  '/openapi.json',
] as const;

/**
 * Any answer but a 5xx, within the timeout, and a clear one: an API refusal carries its JSON
 * error body with a message (Node's own 400/431 for unparsable HTTP has none, and needs none).
 * No answer may leak a file of the host (a traversal reaching /etc/passwd).
 */
export function clearAnswer(
  outcome: RawOutcome,
  allowed?: readonly number[],
  options: { readonly head?: boolean } = {},
): string | undefined {
  if (outcome.kind === 'timeout') return `no answer within ${Math.round(outcome.elapsedMs)} ms (a hang)`;
  if (outcome.kind === 'closed') {
    return `connection closed without an answer${outcome.error ? ` (${outcome.error})` : ''}`;
  }
  if (outcome.status >= 500) return `answered ${outcome.status}: ${preview(outcome.body)}`;
  if (allowed && !allowed.includes(outcome.status)) {
    return `answered ${outcome.status}, expected ${allowed.join(' or ')}: ${preview(outcome.body)}`;
  }
  if (outcome.body.includes('root:x:0:0')) return 'the answer holds /etc/passwd';
  // A HEAD answer has the headers of the GET and no body to carry a message.
  if (
    !options.head &&
    outcome.status >= 400 &&
    (outcome.headers['content-type'] ?? '').startsWith('application/json')
  ) {
    const message = errorMessageOf(outcome.body);
    if (message === undefined)
      return `answered ${outcome.status} with no error message: ${preview(outcome.body)}`;
  }
  return undefined;
}

/** A bad input: only a clear 4xx will do (listed statuses when given). */
export function clearRefusal(outcome: RawOutcome, allowed?: readonly number[]): string | undefined {
  const problem = clearAnswer(outcome, allowed);
  if (problem) return problem;
  if (outcome.kind === 'answered' && (outcome.status < 400 || outcome.status >= 500)) {
    return `answered ${outcome.status} to a bad input, expected a 4xx`;
  }
  return undefined;
}

function errorMessageOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' && parsed.error.message.length > 0
      ? parsed.error.message
      : undefined;
  } catch {
    return undefined;
  }
}

export function preview(body: Buffer): string {
  const text = body.subarray(0, 160).toString('utf8');
  return JSON.stringify(body.length > 160 ? `${text}…` : text);
}

const printable = (text: string, max = 90) => {
  const shown = JSON.stringify(text);
  return shown.length > max ? `${shown.slice(0, max)}…(${text.length} chars)` : shown;
};

const request = (method: string, target: string, port: number, headers: readonly string[] = [], body = '') =>
  [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', ...headers, '', body].join(
    '\r\n',
  );

// --- paths -------------------------------------------------------------------------------------

const pathPrefixes = [
  '/',
  '/monitor/status',
  '/monitor/incidents',
  '/monitor/metrics/container/',
  '/monitor/heal/',
  '/monitor/approvals/',
  '/monitor/events',
  '/healthz',
  '/metrics',
  '/openapi.json',
  '/index.html',
  '/assets/',
  '/monitor/',
  '',
];

const nastySegments = [
  '..',
  '../../../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%252e%252e%252f',
  '..%2f..%2f..%2fetc%2fpasswd',
  '..\\..\\..\\windows\\win.ini',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  '%00',
  '%ff%fe',
  '%zz',
  '%',
  '%%',
  '%e2%80%ae',
  '%ef%bc%8e%ef%bc%8e',
  'é',
  '日本語',
  '\u202egnp.exe',
  '😀',
  '.',
  '//////',
  ';jsessionid=1',
  'index.html%00.txt',
  '~root',
  'C:%5cwindows',
  'a'.repeat(255),
  'a'.repeat(256),
  '-',
  '_',
  '.hidden',
  'web',
  'wm-test-app',
  '%2F',
  '?',
  '#frag',
  '*',
  '@',
  '%0d%0aSet-Cookie:%20x=1',
  '\\',
];

/** Random and adversarial request targets (long, encoded, traversal, unicode), GET and other methods. */
export function pathCases(random: SeededRandom, count: number, target: ApiTarget): ApiCase[] {
  const cases: ApiCase[] = [];
  const methods = [
    'GET',
    'GET',
    'GET',
    'GET',
    'HEAD',
    'OPTIONS',
    'DELETE',
    'PUT',
    'PATCH',
    'TRACE',
    'FOO',
    'get',
  ];
  for (let index = 0; index < count; index++) {
    let path = random.pick(pathPrefixes);
    const segments = random.int(0, 4);
    for (let s = 0; s < segments; s++) {
      const segment = random.chance(0.15)
        ? random.text(random.int(1, 40), 'abcXYZ019-_.~%/:@!$&()*+,;=')
        : random.pick(nastySegments);
      path += (path.endsWith('/') || random.chance(0.3) ? '' : '/') + segment;
    }
    if (random.chance(0.08)) path += '/'.repeat(random.int(1, 50));
    if (random.chance(0.06)) path = `/${'x'.repeat(random.int(2_000, 12_000))}`;
    if (random.chance(0.03)) path = `/${'a/'.repeat(random.int(1_000, 4_000))}`;
    if (path === '') path = '/';
    const method = random.pick(methods);
    const bytes = Buffer.from(request(method, path, target.port), 'utf8');
    cases.push({
      area: 'api.paths',
      name: `${method} ${printable(path)}`,
      request: bytes,
      judge: (outcome) => clearAnswer(outcome, undefined, { head: method === 'HEAD' }),
    });
  }
  // HEAD on every data route, the event stream included: a HEAD gets the GET's headers, at once.
  for (const route of dataRoutes) {
    cases.push({
      area: 'api.paths',
      name: `HEAD ${route}`,
      request: request('HEAD', route, target.port),
      judge: (outcome) => clearAnswer(outcome, undefined, { head: true }),
    });
  }
  // Raw bytes in the request target that no client library would send.
  for (const raw of [
    Buffer.from('GET /monitor/status\x00 HTTP/1.1\r\n'),
    Buffer.from('GET /monitor/\xff\xfe HTTP/1.1\r\n', 'latin1'),
    Buffer.from('GET /monitor status HTTP/1.1\r\n'),
    Buffer.from('GET http://attacker.example/monitor/status HTTP/1.1\r\n'),
    Buffer.from('GET * HTTP/1.1\r\n'),
    Buffer.from('GET /healthz HTTP/9.9\r\n'),
    Buffer.from('GET /healthz\r\n'),
    Buffer.from(`${'A'.repeat(5000)} / HTTP/1.1\r\n`),
  ]) {
    cases.push({
      area: 'api.paths',
      name: `raw request line ${printable(raw.subarray(0, 60).toString('latin1'))}`,
      request: [raw, `Host: 127.0.0.1:${target.port}\r\nConnection: close\r\n\r\n`],
      // The absolute form names a foreign authority, but a browser never sends it to a server
      // that is not its proxy (a DNS-rebinding page cannot): any clear answer will do.
      judge: (outcome) => clearAnswer(outcome),
    });
  }
  return cases;
}

// --- query strings -----------------------------------------------------------------------------

const queryValues = [
  '744',
  '745',
  '1',
  '0',
  '-1',
  '-0',
  '1.5',
  '1e308',
  '1e-308',
  '9'.repeat(40),
  'NaN',
  'Infinity',
  '-Infinity',
  '',
  'abc',
  '0x10',
  '1e3',
  '%201',
  '1%20',
  '%00',
  '[]',
  '{}',
  'null',
  'true',
  '%D9%A3',
  '%EF%BC%91',
  '1'.repeat(3000),
  '%E2%80%AE1',
  "1'--",
  '1;DROP TABLE monitor_incidents',
];

/** Huge, negative, NaN, repeated and unknown keys on the read routes with queries. */
export function queryCases(random: SeededRandom, count: number, target: ApiTarget): ApiCase[] {
  const cases: ApiCase[] = [];
  const bases = [
    '/monitor/incidents',
    `/monitor/metrics/container/${target.seededContainer}`,
    `/monitor/metrics/container/${target.watchedContainer}`,
    '/monitor/metrics/container/no-such-container',
  ];
  const keys = [
    'hours',
    'limit',
    'container',
    'hours',
    'limit',
    'since',
    'x',
    '__proto__',
    'constructor',
    'hours[]',
  ];
  for (let index = 0; index < count; index++) {
    const base = random.pick(bases);
    const pairs: string[] = [];
    const pairCount = random.chance(0.03) ? random.int(500, 1500) : random.int(1, 4);
    for (let p = 0; p < pairCount; p++) {
      const key = random.pick(keys);
      const value =
        key === 'container' && random.chance(0.5)
          ? random.pick([target.watchedContainer, 'a'.repeat(300), '..'])
          : random.pick(queryValues);
      pairs.push(`${key}=${value}`);
    }
    const path = `${base}?${pairs.join('&')}`;
    cases.push({
      area: 'api.queries',
      name: `GET ${printable(path, 140)}`,
      request: request('GET', path, target.port),
      judge: (outcome) => clearAnswer(outcome),
    });
  }
  return cases;
}

/** The reads that froze the agent before (issue 10, item 1): each must answer 200 within 1 s. */
export function monthReadCases(target: ApiTarget): ApiCase[] {
  const path = (query: string) => `/monitor/metrics/container/${target.seededContainer}?${query}`;
  const withinOneSecond = (outcome: RawOutcome) =>
    outcome.elapsedMs > 1_000
      ? `answered after ${Math.round(outcome.elapsedMs)} ms (bound 1000 ms)`
      : undefined;
  const cases: ApiCase[] = ['hours=744&limit=1', 'hours=744', 'limit=1&hours=744&hours=744'].map((query) => ({
    area: 'api.month-reads',
    name: `GET ${path(query)}`,
    request: request('GET', path(query), target.port),
    timeoutMs: 30_000,
    judge: (outcome) => clearAnswer(outcome, [200]) ?? withinOneSecond(outcome),
  }));
  // Past the documented caps: a quick 200 (capped) or a clear 400 naming the field.
  for (const query of ['hours=744&limit=5000', 'hours=745&limit=1', 'hours=744&limit=1000000']) {
    cases.push({
      area: 'api.month-reads',
      name: `GET ${path(query)}`,
      request: request('GET', path(query), target.port),
      timeoutMs: 30_000,
      judge: (outcome) => {
        const problem = clearAnswer(outcome, [200, 400]);
        if (problem) return problem;
        if (
          outcome.kind === 'answered' &&
          outcome.status === 400 &&
          !/query\.(hours|limit)/.test(outcome.body.toString())
        ) {
          return `the 400 does not name the field: ${preview(outcome.body)}`;
        }
        return withinOneSecond(outcome);
      },
    });
  }
  return cases;
}

// --- headers -----------------------------------------------------------------------------------

const foreignHosts = (port: number) => [
  'attacker.example',
  `attacker.example:${port}`,
  `127.0.0.1.attacker.example:${port}`,
  `localhost.attacker.example:${port}`,
  'rebind.attacker.example',
  `LOCALHOST.attacker.example`,
  '0.0.0.0',
  `192.168.1.10:${port}`,
  '10.0.0.1',
  '169.254.169.254',
  `[fd00::1]:${port}`,
  `xn--80ak6aa92e.com:${port}`,
];

const loopbackHosts = (port: number) => [
  `127.0.0.1:${port}`,
  `localhost:${port}`,
  '127.0.0.1',
  'localhost',
  `[::1]:${port}`,
];

/**
 * The Host check (issue 10, item 5): a data route read with a foreign Host is a DNS-rebinding
 * page and must get 421; the loopback names must still work. Then oversized, malformed and
 * smuggling-shaped headers.
 */
export function headerCases(random: SeededRandom, target: ApiTarget): ApiCase[] {
  const cases: ApiCase[] = [];
  const { port } = target;
  for (const route of dataRoutes) {
    for (const host of foreignHosts(port)) {
      cases.push({
        area: 'api.host-header',
        name: `GET ${route} with Host: ${host}`,
        request: [`GET ${route} HTTP/1.1`, `Host: ${host}`, 'Connection: close', '', ''].join('\r\n'),
        judge: (outcome) => clearAnswer(outcome, [421]),
      });
    }
    for (const host of loopbackHosts(port)) {
      cases.push({
        area: 'api.host-header',
        name: `GET ${route} with Host: ${host}`,
        request: [`GET ${route} HTTP/1.1`, `Host: ${host}`, 'Connection: close', '', ''].join('\r\n'),
        judge: (outcome) => clearAnswer(outcome, [200]),
      });
    }
  }
  // A foreign Host on writes too, with the right token: a rebinding page must not heal.
  cases.push({
    area: 'api.host-header',
    name: 'POST /monitor/heal with the token and Host: attacker.example',
    request: [
      `POST /monitor/heal/${target.watchedContainer} HTTP/1.1`,
      'Host: attacker.example',
      `Authorization: Bearer ${target.token}`,
      'Content-Type: application/json',
      'Content-Length: 2',
      'Connection: close',
      '',
      '{}',
    ].join('\r\n'),
    judge: (outcome) => clearAnswer(outcome, [421]),
  });
  const malformed: [string, string[], readonly number[] | undefined][] = [
    ['no Host header', ['GET /monitor/status HTTP/1.1', 'Connection: close'], [400, 421]],
    ['empty Host', ['GET /monitor/status HTTP/1.1', 'Host: ', 'Connection: close'], [400, 421]],
    [
      'two Host headers',
      // Node keeps the first Host; no browser sends two, so either answer is fair.
      [
        'GET /monitor/status HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Host: attacker.example',
        'Connection: close',
      ],
      [200, 400, 421],
    ],
    [
      'Host with a space',
      ['GET /monitor/status HTTP/1.1', 'Host: 127.0.0.1 attacker.example', 'Connection: close'],
      [400, 421],
    ],
    [
      'Host with userinfo',
      ['GET /monitor/status HTTP/1.1', 'Host: 127.0.0.1@attacker.example', 'Connection: close'],
      [400, 421],
    ],
    ['100 KB header', [...head(port), `X-Big: ${'a'.repeat(100_000)}`], [431, 400]],
    ['20 KB cookie', [...head(port), `Cookie: ${'c=1; '.repeat(4_000)}`], [431, 400]],
    ['3000 headers', [...head(port), ...Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${i}`)], undefined],
    ['header name with a space', [...head(port), 'Bad Name: x'], [400]],
    ['NUL in a header value', [...head(port), 'X-Nul: a\x00b'], [400]],
    ['obsolete line folding', [...head(port), 'X-Fold: a', ' b'], [400, 200]],
    [
      'Content-Length and Transfer-Encoding',
      [...head(port), 'Content-Length: 5', 'Transfer-Encoding: chunked'],
      [400],
    ],
    ['two Content-Lengths', [...head(port), 'Content-Length: 1', 'Content-Length: 2'], [400]],
    ['negative Content-Length', [...head(port), 'Content-Length: -1'], [400]],
    ['huge Content-Length on a GET', [...head(port), 'Content-Length: 99999999999999999999'], [400, 413]],
    // Node's parser lets a GET through whose body no route reads; a 400 or 501 is fine too.
    ['unknown Transfer-Encoding', [...head(port), 'Transfer-Encoding: gzip, identity'], [200, 400, 501]],
    ['Expect: 100-continue on a GET', [...head(port), 'Expect: 100-continue'], [200, 417]],
    ['Upgrade: websocket', [...head(port), 'Upgrade: websocket', 'Connection: Upgrade'], [200, 400, 426]],
    [
      'X-Forwarded-Host: attacker',
      [...head(port), 'X-Forwarded-Host: attacker.example', 'X-Forwarded-For: 1.2.3.4'],
      [200],
    ],
  ];
  for (const [name, lines, allowed] of malformed) {
    cases.push({
      area: 'api.headers',
      name,
      request: `${lines.join('\r\n')}\r\n\r\n`,
      judge: (outcome) =>
        // 501 is Node's own answer to a transfer coding it does not implement: clear, not a crash.
        allowed?.includes(501) && outcome.kind === 'answered' && outcome.status === 501
          ? undefined
          : clearAnswer(outcome, allowed),
    });
  }
  // Bare LF line endings, which some clients and proxies send.
  cases.push({
    area: 'api.headers',
    name: 'bare LF line endings',
    request: `GET /monitor/status HTTP/1.1\nHost: 127.0.0.1:${port}\nConnection: close\n\n`,
    judge: (outcome) => clearAnswer(outcome, [200, 400]),
  });
  // Random header soup.
  for (let index = 0; index < 30; index++) {
    const lines = [...head(port)];
    for (let h = 0; h < random.int(1, 8); h++) {
      lines.push(
        `X-${random.text(random.int(1, 20), 'abcdefABCDEF-_0123')}: ${random.text(random.int(0, 300), ' !#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}~é\t')}`,
      );
    }
    cases.push({
      area: 'api.headers',
      name: `random headers #${index}`,
      request: `${lines.join('\r\n')}\r\n\r\n`,
      judge: (outcome) => clearAnswer(outcome),
    });
  }
  return cases;
}

function head(port: number): string[] {
  return ['GET /monitor/status HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Connection: close'];
}

/**
 * Bad credentials on a write (issue 10, item 13): each gets 401, or 429 once the server slows
 * repeated failures down; never through to the route (a 404 for the unknown container would mean
 * the token was taken).
 */
export function authCases(random: SeededRandom, target: ApiTarget): ApiCase[] {
  const headers = [
    undefined,
    'Bearer',
    'Bearer ',
    'Bearer wrong',
    `Bearer ${target.token}x`,
    `Bearer ${target.token.slice(0, -1)}`,
    `Bearer ${target.token.toUpperCase()}`,
    `Basic ${Buffer.from(`api:${target.token}`).toString('base64')}`,
    `Token ${target.token}`,
    `Bearer ${'a'.repeat(8_000)}`,
    `Bearer ${target.token} extra`,
    `Bearer\t\t${'é'.repeat(10)}`,
    `Bearer ${target.token}\u00a0`,
    'Bearer null',
    'Bearer undefined',
    `Bearer ${random.text(32, 'abcdef0123456789')}`,
  ];
  return headers.map((authorization) => ({
    area: 'api.bad-auth',
    name: `POST /monitor/heal with Authorization: ${printable(authorization ?? '(none)', 60)}`,
    request: request(
      'POST',
      '/monitor/heal/no-such-container',
      target.port,
      [
        ...(authorization === undefined ? [] : [`Authorization: ${authorization}`]),
        'Content-Type: application/json',
        'Content-Length: 2',
      ],
      '{}',
    ),
    judge: (outcome) => clearRefusal(outcome, [401, 429]),
  }));
}

// --- bodies ------------------------------------------------------------------------------------

/**
 * Bodies of writes, sent with the right token to a container that does not exist (so a body that
 * passes gets 404 and nothing is healed): huge, deep, binary, truncated, wrong type.
 */
export function bodyCases(random: SeededRandom, count: number, target: ApiTarget): ApiCase[] {
  const cases: ApiCase[] = [];
  const auth = `Authorization: Bearer ${target.token}`;
  const routes = [
    '/monitor/heal/no-such-container',
    '/monitor/approvals/no-such-approval/approve',
    '/monitor/approvals/no-such-approval/reject',
  ];
  const post = (
    name: string,
    body: Buffer | string,
    options: {
      type?: string | null;
      extra?: string[];
      route?: string;
      allowed?: readonly number[];
      length?: number;
    } = {},
  ): ApiCase => {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const route = options.route ?? random.pick(routes);
    const headLines = [
      `POST ${route} HTTP/1.1`,
      `Host: 127.0.0.1:${target.port}`,
      'Connection: close',
      auth,
      ...(options.type === null ? [] : [`Content-Type: ${options.type ?? 'application/json'}`]),
      ...(options.extra ?? [`Content-Length: ${options.length ?? payload.length}`]),
      '',
      '',
    ].join('\r\n');
    return {
      area: 'api.bodies',
      name: `POST ${route}: ${name}`,
      request: [headLines, payload],
      judge: (outcome) => clearAnswer(outcome, options.allowed ?? [400, 404, 409, 413, 415, 422]),
    };
  };
  // Fixed shapes first.
  cases.push(post('{}', '{}', { route: routes[0], allowed: [404] }));
  cases.push(post('empty', '', { route: routes[0], allowed: [404] }));
  cases.push(
    post('declared 10 MB, 64 KB sent', Buffer.alloc(64 * 1024, 0x61), {
      length: 10 * 1024 * 1024,
      allowed: [413],
    }),
  );
  cases.push(post('1 MB body', `{"reason":"${'r'.repeat(1024 * 1024)}"}`, { allowed: [413] }));
  cases.push(
    post('1 MB chunked', `${`4000\r\n${'x'.repeat(0x4000)}\r\n`.repeat(64)}0\r\n\r\n`, {
      extra: ['Transfer-Encoding: chunked'],
      allowed: [413],
    }),
  );
  cases.push(
    post('nested arrays 7000 deep', `${'['.repeat(7000)}${']'.repeat(7000)}`, { allowed: [400, 404, 422] }),
  );
  cases.push(
    post('nested objects 2500 deep', `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`, {
      allowed: [400, 404, 422],
    }),
  );
  cases.push(post('unclosed nesting', '['.repeat(15_000), { allowed: [400] }));
  cases.push(post('binary', random.bytes(4096), { allowed: [400] }));
  cases.push(post('truncated JSON', '{"reason": "disk full", "act', { allowed: [400] }));
  cases.push(post('text/plain', '{"reason":"x"}', { type: 'text/plain', allowed: [415] }));
  cases.push(
    post('form-encoded', 'reason=x&action=custom_script', {
      type: 'application/x-www-form-urlencoded',
      allowed: [415],
    }),
  );
  cases.push(
    post('multipart', '--b\r\nContent-Disposition: form-data; name="reason"\r\n\r\nx\r\n--b--', {
      type: 'multipart/form-data; boundary=b',
      allowed: [415],
    }),
  );
  cases.push(post('no content type', '{"reason":"x"}', { type: null, allowed: [415] }));
  cases.push(post('application/jsonp', '{"reason":"x"}', { type: 'application/jsonp', allowed: [415] }));
  cases.push(
    post('UTF-16 JSON', Buffer.from('{"reason":"x"}', 'utf16le'), {
      type: 'application/json; charset=utf-16',
      allowed: [400, 415],
    }),
  );
  cases.push(post('BOM + JSON', `\ufeff{"reason":"x"}`, { route: routes[0], allowed: [400, 404] }));
  cases.push(
    post('__proto__ pollution', '{"__proto__":{"polluted":true},"reason":"x"}', {
      route: routes[0],
      allowed: [404, 422],
    }),
  );
  cases.push(
    post('constructor.prototype', '{"constructor":{"prototype":{"x":1}}}', {
      route: routes[0],
      allowed: [422],
    }),
  );
  cases.push(
    post('1001-character reason', JSON.stringify({ reason: 'r'.repeat(1001) }), {
      route: routes[0],
      allowed: [422],
    }),
  );
  cases.push(
    post('action custom_script', '{"action":"custom_script"}', {
      route: routes[0],
      allowed: [404, 409, 422],
    }),
  );
  cases.push(post('action path', '{"action":"../../bin/sh"}', { route: routes[0], allowed: [422] }));
  cases.push(
    post('action with shell', '{"action":"restart_container; rm -rf /"}', {
      route: routes[0],
      allowed: [422],
    }),
  );
  cases.push(post('lone surrogate', '{"reason":"\\ud800"}', { route: routes[0], allowed: [404, 422] }));
  cases.push(post('NUL in a string', '{"reason":"a\\u0000b"}', { route: routes[0], allowed: [404, 422] }));
  cases.push(post('1e999', '{"reason":1e999}', { route: routes[0], allowed: [422] }));
  cases.push(post('array body', '[]', { route: routes[0], allowed: [422] }));
  cases.push(post('string body', '"restart"', { route: routes[0], allowed: [422] }));
  cases.push(post('null body', 'null', { route: routes[0], allowed: [400, 404, 422] }));
  cases.push(
    post('duplicate keys', '{"reason":"a","reason":"b"}', { route: routes[0], allowed: [404, 422] }),
  );
  cases.push(
    post('1400 keys', `{${Array.from({ length: 1_400 }, (_, i) => `"k${i}":1`).join(',')}}`, {
      route: routes[0],
      allowed: [413, 422],
    }),
  );
  cases.push({
    area: 'api.bodies',
    name: 'POST declared 100 bytes, 10 sent, then EOF',
    request: [
      [
        `POST ${routes[0]} HTTP/1.1`,
        `Host: 127.0.0.1:${target.port}`,
        auth,
        'Content-Type: application/json',
        'Content-Length: 100',
        '',
        '',
      ].join('\r\n'),
      '{"reason":',
    ],
    endAfterWrite: true,
    // The client gave up mid-body: a 400 or a closed connection are both fair; a hang is not.
    judge: (outcome) => (outcome.kind === 'closed' ? undefined : clearAnswer(outcome, [400, 408])),
  });
  // Random JSON-ish mutations of a valid body.
  const pieces = [
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    'null',
    'true',
    '1e5',
    '-0',
    '"reason"',
    '"action"',
    '"restart_container"',
    '\\u0000',
    '\\',
    ' ',
    '\n',
    'é',
    '\u2028',
  ];
  while (cases.length < count) {
    let body = JSON.stringify({ reason: 'x', action: 'restart_container' });
    for (let m = 0; m < random.int(1, 6); m++) {
      const at = random.int(0, body.length);
      body = random.chance(0.5)
        ? body.slice(0, at) + random.pick(pieces) + body.slice(at)
        : body.slice(0, at) + body.slice(at + random.int(1, 5));
    }
    cases.push(post(`mutated ${printable(body, 60)}`, body));
  }
  return cases;
}
