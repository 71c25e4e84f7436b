import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Lets `node packages/cli/src/bin.ts` run the whole CLI, the workspace packages included, from
 * TypeScript source with no build. `bin.ts` loads this file by its `.ts` name and only when it is
 * itself running as `.ts`, so the built CLI never installs these hooks. This file imports nothing
 * relative: nothing would resolve it before the hooks exist.
 */
export function registerSourceHooks(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const source = resolveFromSource(specifier, context.parentURL);
      return nextResolve(source ?? specifier, context);
    },
  });
}

/**
 * Where a specifier points when the CLI runs from its TypeScript source (`node src/bin.ts`), or
 * undefined to let Node resolve it as usual.
 *
 * Node's type stripping runs `.ts` files but does not rewrite the `.js` extensions that NodeNext
 * source uses, and the workspace packages' `exports` point at `dist/`, which only exists after a
 * build. So: `./x.js` from a `.ts` file becomes `./x.ts` when that file exists, and
 * `@website-monitor/<name>[/<sub>]` becomes the `src/` twin of the `dist/` file its `exports`
 * names (tsup builds `src/<entry>.ts` to `dist/<entry>.js`).
 */
export function resolveFromSource(specifier: string, parentUrl: string | undefined): string | undefined {
  if (parentUrl === undefined || !parentUrl.startsWith('file:')) return undefined;
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    if (!parentUrl.endsWith('.ts') || !specifier.endsWith('.js')) return undefined;
    const candidate = new URL(`${specifier.slice(0, -'.js'.length)}.ts`, parentUrl);
    return existsSync(candidate) ? candidate.href : undefined;
  }
  const workspace = /^(@website-monitor\/[^/]+)(?:\/(.+))?$/.exec(specifier);
  if (workspace === null) return undefined;
  const [, packageName, subpath] = workspace as unknown as [string, string, string | undefined];
  const packageDir = findPackageDir(packageName, dirname(fileURLToPath(parentUrl)));
  if (packageDir === undefined) return undefined;
  const built = builtEntry(packageDir, subpath === undefined ? '.' : `./${subpath}`);
  if (built === undefined) return undefined;
  const source = join(packageDir, built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
  return existsSync(source) ? pathToFileURL(source).href : undefined;
}

/** Node's own lookup: the nearest `node_modules/<name>` going up from the importing file. */
function findPackageDir(packageName: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', packageName);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The `import` target of one `exports` entry, e.g. `./dist/testing/index.js`. */
function builtEntry(packageDir: string, exportKey: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports?: unknown;
  };
  const exportsField = manifest.exports;
  const entry =
    typeof exportsField === 'string' && exportKey === '.'
      ? exportsField
      : typeof exportsField === 'object' && exportsField !== null
        ? (exportsField as Record<string, unknown>)[exportKey]
        : undefined;
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'object' && entry !== null) {
    const target = (entry as Record<string, unknown>).import ?? (entry as Record<string, unknown>).default;
    if (typeof target === 'string') return target;
  }
  return undefined;
}
