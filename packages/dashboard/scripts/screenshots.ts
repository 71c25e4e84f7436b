// `pnpm --filter @website-monitor/dashboard screenshots`: renders docs/images/dashboard.png and
// docs/images/container.png from a realistic state: a real agent on the published fakes (no
// Docker needed), an hour of stored checks, one incident healed after a person approved the
// restart, and one restart still waiting for approval. Runs from source, like bench/run.ts.
import type * as SourceHooks from '../../cli/src/source-mode/source-hooks.js';

const hooks: typeof SourceHooks = await import(
  new URL('../../cli/src/source-mode/source-hooks.ts', import.meta.url).href
);
hooks.registerSourceHooks();
const { runScreenshots } = await import('./screenshot-scenario.ts');
await runScreenshots(new URL('../../../docs/images/', import.meta.url));
