import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MonitorError } from '../errors/monitor-error.js';
import { parseScenario, type Scenario } from './scenario.js';

/** The corpus shipped in the repository, relative to this file (source and tests only). */
export const corpusDirectory = new URL('../../test/scenarios/', import.meta.url);

/** Every `*.yaml` / `*.yml` scenario in `directory`, sorted by file name; names must be unique. */
export async function loadScenarios(directory: string | URL = corpusDirectory): Promise<readonly Scenario[]> {
  const path = typeof directory === 'string' ? directory : fileURLToPath(directory);
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
