// Compiled to CommonJS (`require(...)`) by tsc, then run with `node dist/main.js`.
import { entryPoints, loadEveryEntryPoint } from './entries.ts';
import { assertRestarted, restartAfterCrash } from './restart-after-crash.ts';

async function main(): Promise<void> {
  const loaded = await loadEveryEntryPoint();
  const result = await restartAfterCrash();
  assertRestarted(result);
  const requireWorks = typeof require('@website-monitor/core').WebsiteMonitorAgent === 'function';
  console.log(
    JSON.stringify({
      consumer: 'cjs-require',
      entryPoints: entryPoints.length,
      loaded,
      requireWorks,
      ...result,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
