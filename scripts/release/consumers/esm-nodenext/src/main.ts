// Run by Node directly (type stripping): `node src/main.ts`.
import { loadScenarios } from '@website-monitor/core/internal';
import { entryPoints, loadEveryEntryPoint } from './entries.ts';
import { assertRestarted, restartAfterCrash } from './restart-after-crash.ts';

const loaded = await loadEveryEntryPoint();
const result = await restartAfterCrash();
assertRestarted(result);
// The corpus ships in the package: the default directory resolves inside node_modules.
const scenarios = await loadScenarios();
if (scenarios.length === 0) throw new Error('loadScenarios() found no scenario in the installed package');
console.log(
  JSON.stringify({
    consumer: 'esm-nodenext',
    entryPoints: entryPoints.length,
    loaded,
    ...result,
    scenarios: scenarios.length,
  }),
);
