// `pnpm bench` (node bench/run.ts): runs the benchmarks from TypeScript source with no build.
// Node strips the types but neither rewrites the `.js` imports of NodeNext source nor finds the
// workspace packages' `src/` (their `exports` name `dist/`): the CLI's source-mode hooks do both,
// so they are installed first, and everything else is imported after them.
import type * as SourceHooks from '../packages/cli/src/source-mode/source-hooks.js';

const hooks: typeof SourceHooks = await import(
  new URL('../packages/cli/src/source-mode/source-hooks.ts', import.meta.url).href
);
hooks.registerSourceHooks();
// `BENCH_ONLY=detection pnpm bench`: benchmarks 8-9 alone, merged into the results of the last full run;
// `BENCH_ONLY=healing pnpm bench`: benchmarks 1-3 alone, likewise; `BENCH_ONLY=footprint`: 4-5;
// `BENCH_ONLY=stores`: 6-7; `BENCH_ONLY=scale`: 10-11; `BENCH_ONLY=fleet`: 12.
const only = process.env.BENCH_ONLY;
if (only === undefined || only === '') {
  await import('./bench.js');
} else if (only === 'detection') {
  await import('./detection.js');
} else if (only === 'healing') {
  await import('./healing.js');
} else if (only === 'footprint') {
  await import('./footprint.js');
} else if (only === 'stores') {
  await import('./stores.js');
} else if (only === 'scale') {
  await import('./scale.js');
} else if (only === 'fleet') {
  await import('./fleet.js');
} else {
  console.error(
    `bench: BENCH_ONLY must be "detection", "healing", "footprint", "stores", "scale", "fleet" or unset, got "${only}"`,
  );
  process.exit(2);
}
