// A stand-in for wollomatic/socket-proxy in the stack test, where no image can be pulled: it takes
// the same arguments (the stack file's own `command:`) and applies them the way socket-proxy does
// (cmd/socket-proxy/handlehttprequest.go): a method with no -allow<METHOD> gets 405, a path the
// method's pattern (with ^ and $ added) does not match gets 403, anything else is forwarded to
// the Docker socket. It listens on -proxysocketendpoint only (a unix socket, chmod to
// -proxysocketendpointfilemode), and logs one JSON line per request: `allowed` or `blocked`.
// Not a product: test-only, run with `node` in the agent's own image.
import { chmodSync, existsSync, rmSync } from 'node:fs';
import http from 'node:http';

const allow = new Map();
let endpoint;
let fileMode = 0o600;
let socketPath = '/var/run/docker.sock';
// socket-proxy's flags this stand-in accepts without acting on them.
const ignored = new Set([
  'watchdoginterval',
  'stoponwatchdog',
  'allowhealthcheck',
  'shutdowngracetime',
  'loglevel',
  'logjson',
]);

for (const argument of process.argv.slice(2)) {
  const match = /^-([A-Za-z]+)(?:=([\s\S]*))?$/.exec(argument);
  if (match === null) fail(`not a flag: ${argument}`);
  const [, name, value = ''] = match;
  const method = /^allow([A-Z]+)$/.exec(name)?.[1];
  if (method !== undefined) allow.set(method, new RegExp(`^${value}$`));
  else if (name === 'proxysocketendpoint') endpoint = value;
  else if (name === 'proxysocketendpointfilemode')
    fileMode = Number.parseInt(value, value.startsWith('0') ? 8 : 10);
  else if (name === 'socketpath') socketPath = value;
  else if (!ignored.has(name)) fail(`unknown flag: -${name}`);
}
if (endpoint === undefined) fail('-proxysocketendpoint is required (this stand-in has no TCP listener)');

const server = http.createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://docker').pathname;
  const pattern = allow.get(request.method ?? '');
  const status = pattern === undefined ? 405 : pattern.test(path) ? 0 : 403;
  log({
    decision: status === 0 ? 'allowed' : 'blocked',
    method: request.method,
    path,
    ...(status ? { status } : {}),
  });
  if (status !== 0) {
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`${http.STATUS_CODES[status]}\n`);
    return;
  }
  const upstream = http.request(
    { socketPath, method: request.method, path: request.url, headers: request.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502).end(`${error.message}\n`);
    else response.destroy(error);
  });
  response.on('close', () => upstream.destroy());
  request.pipe(upstream);
});

if (existsSync(endpoint)) rmSync(endpoint);
server.listen(endpoint, () => {
  chmodSync(endpoint, fileMode);
  log({ listening: endpoint, mode: fileMode.toString(8), socketPath });
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));

function log(fields) {
  process.stdout.write(`${JSON.stringify({ proxy: 'allowlist-proxy', ...fields })}\n`);
}

function fail(message) {
  process.stderr.write(`allowlist-proxy: ${message}\n`);
  process.exit(2);
}
