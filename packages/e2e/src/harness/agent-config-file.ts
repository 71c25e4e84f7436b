import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder holding an agent's config file and its spool, removed on dispose. */
export interface AgentConfigFile extends AsyncDisposable {
  readonly path: string;
  readonly spoolPath: string;
  readonly dir: string;
}

/** Writes `yaml` to `<temp>/website-monitor.yaml`; `spoolPath` is `<temp>/spool/spool.db` for the YAML to use. */
export async function writeAgentConfig(
  yaml: (paths: { spoolPath: string }) => string,
): Promise<AgentConfigFile> {
  const dir = await mkdtemp(join(tmpdir(), 'wm-e2e-agent-'));
  const spoolPath = join(dir, 'spool', 'spool.db');
  const path = join(dir, 'website-monitor.yaml');
  await writeFile(path, yaml({ spoolPath }));
  return {
    path,
    spoolPath,
    dir,
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}
