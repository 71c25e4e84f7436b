// A namespace import: a named `registerHooks` import would fail to link on Node 22.13-22.14.
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The CommonJS files that dockerode and docker-modem `require` when they load, for transports this
 * adapter never uses: BuildKit sessions (gRPC and protobuf, used by image builds) and `ssh://`
 * hosts (ssh2, its crypto and tweetnacl; `resolveDockerEndpoint` accepts unix sockets and TCP
 * only). Loaded eagerly they cost the agent ~7 MB of RSS and ~15 MB of external memory (measured
 * watching 100 containers; see BENCHMARKS.md), in a daemon whose budget is 120 MB.
 */
const deferredFiles = ['/dockerode/lib/session.js', '/docker-modem/lib/ssh.js'] as const;

/** How a stub asks for the real file: by a symbol on globalThis, since its source is generated. */
const loadRealKey = Symbol.for('@website-monitor/docker-adapter.loadDeferredFile');

let installed = false;

/**
 * Makes the files above load on first use instead of at `require` time. Each of them exports
 * a single function; until it is first called, a stub stands in for it, and the first call
 * loads the real file and forwards to it. Anything else in the process that uses dockerode's
 * builds or ssh keeps working unchanged: it only loads those modules when it needs them.
 *
 * A synchronous, in-thread module hook (`module.registerHooks`, Node >= 22.15): nothing happens
 * on an older Node, which just loads the files eagerly. It only acts on modules loaded after
 * the call, so it must run before dockerode is first imported (see `dockerode.ts`).
 */
export function deferUnusedTransports(): void {
  const { registerHooks } = nodeModule;
  if (installed || typeof registerHooks !== 'function') return;
  installed = true;
  const loadingReal = new Set<string>();
  const require = nodeModule.createRequire(import.meta.url);

  (globalThis as Record<symbol, unknown>)[loadRealKey] = (filename: string): unknown => {
    // The stub is cached under the real file's name: drop it so `require` reads the file again,
    // and let this one load through the hook.
    delete require.cache[filename];
    loadingReal.add(filename);
    try {
      return require(filename);
    } finally {
      loadingReal.delete(filename);
    }
  };

  registerHooks({
    load(url, context, nextLoad) {
      if (!deferredFiles.some((suffix) => url.endsWith(suffix))) return nextLoad(url, context);
      if (loadingReal.has(fileURLToPath(url))) return nextLoad(url, context);
      return { format: 'commonjs', source: stubSource, shortCircuit: true };
    },
  });
}

/** The stand-in: a function that loads the real module at its first call and forwards to it. */
const stubSource = `'use strict';
let real;
module.exports = function deferredUntilFirstCall(...args) {
  real ??= globalThis[Symbol.for(${JSON.stringify(loadRealKey.description)})](__filename);
  return real.apply(this, args);
};
`;
