import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandResult, runChecked } from './run-command.js';

/** One fresh project that installs the packed tarballs the way a user's project would. */
export interface ConsumerProject {
  readonly name: string;
  readonly dir: string;
}

export interface ConsumerSetup {
  /** A folder of consumers/ (its files are copied) and the name of the project. */
  readonly fixture: string;
  /** Where the project is made; must not exist yet or be empty. */
  readonly dir: string;
  readonly type: 'module' | 'commonjs';
  /** Package name -> tarball path, installed as `file:` dependencies. */
  readonly tarballs: ReadonlyMap<string, string>;
  /** The import specifiers `src/entries.ts` imports, one namespace each. */
  readonly entryPoints: readonly string[];
}

const fixturesDir = new URL('./consumers/', import.meta.url);

/**
 * Writes the project: package.json (the tarballs as dependencies, nothing else: the packages'
 * own dependencies must be enough to type-check and run), the fixture's files, the shared
 * program, and `src/entries.ts` with one namespace import per entry point.
 */
export function createConsumerProject(setup: ConsumerSetup): ConsumerProject {
  mkdirSync(setup.dir, { recursive: true });
  if (readdirSync(setup.dir).length > 0) throw new Error(`${setup.dir} is not empty`);
  cpSync(new URL(`./${setup.fixture}/`, fixturesDir), setup.dir, { recursive: true });
  cpSync(new URL('./shared/', fixturesDir), join(setup.dir, 'src'), { recursive: true });
  const dependencies = Object.fromEntries(
    [...setup.tarballs].map(([name, tarball]) => [name, `file:${tarball}`]),
  );
  const manifest = {
    name: `consumer-${setup.fixture}`,
    version: '1.0.0',
    private: true,
    type: setup.type,
    dependencies,
  };
  writeFileSync(join(setup.dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(setup.dir, 'src', 'entries.ts'), entriesModule(setup.entryPoints));
  return { name: setup.fixture, dir: setup.dir };
}

function entriesModule(entryPoints: readonly string[]): string {
  const imports = entryPoints.map((specifier, index) => `import * as entry${index} from '${specifier}';`);
  return [
    '// Written by the release dry run: every published entry point, type-checked and loaded.',
    ...imports,
    '',
    `export const entryPoints: readonly string[] = ${JSON.stringify(entryPoints)};`,
    '',
    '/** How many entry points loaded with at least one export. */',
    'export async function loadEveryEntryPoint(): Promise<number> {',
    `  const namespaces: readonly object[] = [${entryPoints.map((_, index) => `entry${index}`).join(', ')}];`,
    '  const empty = entryPoints.filter((_, index) => Object.keys(namespaces[index] ?? {}).length === 0);',
    "  if (empty.length > 0) throw new Error('entry points with no exports: ' + empty.join(', '));",
    '  return namespaces.length;',
    '}',
    '',
  ].join('\n');
}

/**
 * `npm install` as a user runs it, from the registry for third-party packages. Install scripts
 * are skipped: the only ones in the tree build optional native speed-ups (ssh2's cpu-features).
 */
export function installConsumer(
  project: ConsumerProject,
  options: { readonly timeoutMs: number },
): Promise<CommandResult> {
  return runChecked('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: project.dir,
    timeoutMs: options.timeoutMs,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}
