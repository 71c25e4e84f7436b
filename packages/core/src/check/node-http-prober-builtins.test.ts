import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Node 24 builds an ES module facade for a builtin that is imported, reading every export, and
// `node:http`'s lazy WebSocket-family exports then load undici: ~13 MB of RSS in a daemon that
// never uses it. The prober takes the builtins with `process.getBuiltinModule` instead. A process
// of its own: the test runner loads undici itself.

const prober = fileURLToPath(new URL('./node-http-prober.ts', import.meta.url));
// Runs the TypeScript source as Node strips it: `./x.js` imports resolve to `./x.ts`.
const sourceResolve = `data:text/javascript,${encodeURIComponent(
  'import { registerHooks } from "node:module";' +
    'registerHooks({ resolve(specifier, context, next) {' +
    ' if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts"))' +
    ' { try { return next(specifier.slice(0, -3) + ".ts", context); } catch {} }' +
    ' return next(specifier, context); } });',
)}`;

function probeInChild(url: 'http' | 'https'): { undici: boolean; https: boolean; status: unknown } {
  const script = `
    const { createServer } = process.getBuiltinModule('node:http');
    const { createNodeHttpProber } = await import(${JSON.stringify(prober)});
    const server = createServer((request, response) => response.end('ok'));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = server.address().port;
    const target = ${JSON.stringify(url)} === 'http' ? 'http://127.0.0.1:' + port + '/' : 'https://127.0.0.1:' + port + '/';
    const result = await createNodeHttpProber().probe({ url: target, timeoutMs: 2000, expectedStatus: [200] });
    server.close();
    const loaded = process.moduleLoadList;
    console.log(JSON.stringify({
      undici: loaded.some((name) => /undici/.test(name)),
      https: loaded.includes('NativeModule https'),
      status: result.status ?? result.error,
    }));`;
  const output = execFileSync(
    process.execPath,
    ['--no-warnings', '--import', sourceResolve, '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

describe('createNodeHttpProber and the builtins it loads', () => {
  it('probes over http without loading undici or node:https', () => {
    expect(probeInChild('http')).toEqual({ undici: false, https: false, status: 200 });
  });

  it('loads node:https at the first https probe', () => {
    const result = probeInChild('https');
    expect(result.undici).toBe(false);
    expect(result.https).toBe(true);
  });
});
