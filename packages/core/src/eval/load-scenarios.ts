import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MonitorError } from '../errors/monitor-error.js';
import { parseScenario, type Scenario } from './scenario.js';

/**
 * The scenario corpus, `test/scenarios/` of the core package: in the repository and in the
 * published package alike (it is listed in `files`).
 */
export const corpusDirectory: URL = findCorpusDirectory(import.meta.url);

/**
 * This module sits two levels below the package root as source (`src/eval/`), but one level below
 * it once tsup has bundled it into `dist/` (every shared chunk lands at the top of `dist/`).
 * When neither exists (core bundled into someone's application) the source location is kept, and
 * `loadScenarios()` says so in its error.
 */
function findCorpusDirectory(moduleUrl: string): URL {
  const candidates = [new URL('../../test/scenarios/', moduleUrl), new URL('../test/scenarios/', moduleUrl)];
  return candidates.find((candidate) => existsSync(candidate)) ?? (candidates[0] as URL);
}

/** Every `*.yaml` / `*.yml` scenario in `directory`, sorted by file name; names must be unique. */
export async function loadScenarios(directory: string | URL = corpusDirectory): Promise<readonly Scenario[]> {
  const path = typeof directory === 'string' ? directory : fileURLToPath(directory);
  if (!existsSync(path)) {
    throw new MonitorError(
      'usage',
      `no scenario corpus at ${path}: pass the directory of the *.yaml scenarios`,
    );
  }
  const files = (await readdir(path)).filter((file) => /\.ya?ml$/.test(file)).sort();
  const scenarios: Scenario[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const scenario = parseScenario(await readFile(join(path, file), 'utf8'), file);
    const earlier = seen.get(scenario.name);
    if (earlier !== undefined) {
      throw new MonitorError('usage', `${file}: scenario name ${scenario.name} is also used by ${earlier}`);
    }
    seen.set(scenario.name, file);
    scenarios.push(scenario);
  }
  return scenarios;
}
