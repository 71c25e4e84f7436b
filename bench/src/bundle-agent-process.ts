import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(benchDir, '..', 'packages');

/**
 * Leaves third-party packages out of the bundle, imported from where they are installed (an
 * absolute path, so the bundle's own folder needs no node_modules). Only the workspace sources
 * are bundled: bundling dockerode's CommonJS tree into ESM breaks its `__dirname` uses.
 */
const dependenciesInPlace: Plugin = {
  name: 'dependencies-in-place',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.path.startsWith('@website-monitor/')) return undefined;
      if (args.pluginData === 'in-place') return undefined;
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

/**
 * Bundles `agent-process.ts` and the workspace packages' sources into one ESM file under
 * a temporary folder (third-party packages stay where pnpm put them), so the measured process runs plain
 * JavaScript. No type check here: `pnpm typecheck` does that.
 */
export async function bundleAgentProcess(): Promise<string> {
  // Outside the repository, so linters never see generated code; the absolute imports work anywhere.
  const outfile = join(tmpdir(), 'website-monitor-bench', `agent-process-${process.pid}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(benchDir, 'agent-process.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'error',
    alias: {
      '@website-monitor/core': join(packagesDir, 'core', 'src', 'index.ts'),
      '@website-monitor/docker-adapter': join(packagesDir, 'docker-adapter', 'src', 'index.ts'),
    },
    plugins: [dependenciesInPlace],
  });
  return outfile;
}
