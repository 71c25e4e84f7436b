// `pnpm bench` (node bench/run.ts): runs the benchmarks from TypeScript source with no build.
// Node strips the types but neither rewrites the `.js` imports of NodeNext source nor finds the
// workspace packages' `src/` (their `exports` name `dist/`): the CLI's source-mode hooks do both,
// so they are installed first, and everything else is imported after them.
import type * as SourceHooks from '../packages/cli/src/source-mode/source-hooks.js';

const hooks: typeof SourceHooks = await import(
  new URL('../packages/cli/src/source-mode/source-hooks.ts', import.meta.url).href
);
hooks.registerSourceHooks();
await import('./bench.js');
