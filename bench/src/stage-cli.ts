import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { resolveFromSource } from '../../packages/cli/src/source-mode/source-hooks.js';

/** The repository this bench runs from. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Workspace packages are bundled from their `src/` (as the source hooks resolve them); third-party
 * packages stay where pnpm put them, imported by absolute path (bundling dockerode's CommonJS
 * tree into ESM breaks its `__dirname` uses).
 */
const workspaceFromSource: Plugin = {
  name: 'workspace-from-source',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.pluginData === 'in-place') return undefined;
      if (args.path.startsWith('@website-monitor/')) {
        const source = resolveFromSource(args.path, pathToFileURL(args.importer).href);
        if (source === undefined) return { errors: [{ text: `cannot find the source of ${args.path}` }] };
        return { path: fileURLToPath(source) };
      }
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'in-place',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return resolved.external ? undefined : { path: resolved.path, external: true };
    });
  },
};

export interface StagedCli {
  /** `bin/website-monitor.js`: the launcher users run, unchanged. */
  readonly launcher: string;
  remove(): void;
}

/**
 * The CLI laid out as the installed package is (`bin/website-monitor.js`, `dist/bin.js`,
 * `package.json`, no `src/`), in a temporary folder, so the bench starts the agent exactly as a
 * user does: through the launcher (and whatever it does for `run`, e.g. V8 flags), running plain
 * JavaScript (Node's type stripper, which only a checkout pays, adds ~17 MB of RSS).
 */
export async function stageCli(
  options: { readonly from?: string; readonly name?: string } = {},
): Promise<StagedCli> {
  // `from`: another tree of the repository (an earlier revision, see `checkoutRevision`).
  const cliDir = join(options.from ?? repoRoot, 'packages', 'cli');
  // Outside the repository, so linters never see generated code; the absolute imports work anywhere.
  const root = join(
    tmpdir(),
    'website-monitor-bench',
    `cli-${process.pid}${options.name ? `-${options.name}` : ''}`,
  );
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(join(cliDir, 'bin', 'website-monitor.js'), join(root, 'bin', 'website-monitor.js'));
  copyFileSync(join(cliDir, 'package.json'), join(root, 'package.json'));
  await build({
    entryPoints: [join(cliDir, 'src', 'bin.ts')],
    outfile: join(root, 'dist', 'bin.js'),
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'error',
    plugins: [workspaceFromSource],
  });
  return {
    launcher: join(root, 'bin', 'website-monitor.js'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
