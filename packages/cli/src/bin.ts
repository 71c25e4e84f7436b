#!/usr/bin/env node
import type * as SourceHooks from './source-mode/source-hooks.js';

// Running as TypeScript (`node packages/cli/src/bin.ts`): teach Node to find the `.ts` files
// behind `.js` imports and the workspace packages' sources, before anything else is imported.
if (import.meta.url.endsWith('.ts')) {
  const hooks: typeof SourceHooks = await import(
    new URL('./source-mode/source-hooks.ts', import.meta.url).href
  );
  hooks.registerSourceHooks();
}

const { runCli } = await import('./main.js');
const { processIo } = await import('./io/cli-io.js');

const exitCode = await runCli(process.argv.slice(2), processIo());
process.exitCode = exitCode;
// Whatever still holds the event loop open (a keep-alive socket, a late timer) must not keep a
// finished command alive.
setTimeout(() => process.exit(exitCode), 2_000).unref();
