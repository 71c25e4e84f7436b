// Bundled into one file with esbuild, then run: core and its dependencies travel in the bundle.
import { entryPoints } from './entries.ts';
import { assertRestarted, restartAfterCrash } from './restart-after-crash.ts';

const result = await restartAfterCrash();
assertRestarted(result);
console.log(JSON.stringify({ consumer: 'esm-bundler', entryPoints: entryPoints.length, ...result }));
