import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One public entry point of a published package, e.g. `@website-monitor/core/testing`. */
export interface ApiEntryPoint {
  /** The package name, `@website-monitor/core`. */
  readonly packageName: string;
  /** The folder under `packages/`, `core`: names the report file `api/<folder>.api.md`. */
  readonly folder: string;
  /** The import specifier a user writes, `@website-monitor/core/testing`. */
  readonly specifier: string;
  /** The TypeScript source the entry is built from (absolute). */
  readonly sourceFile: string;
}

/**
 * Entry points that make no stability promise: they are built and published for our own packages
 * but kept out of the report (docs/api.md).
 */
export const unstableSubpaths: readonly string[] = ['./internal'];

interface Manifest {
  readonly name?: string;
  readonly private?: boolean;
  readonly exports?: Record<string, { readonly import?: string } | string>;
}

/**
 * Every public entry point of every published package under `root/packages`: the `exports` keys
 * of each non-private `package.json`, mapped from `dist/<entry>.js` back to `src/<entry>.ts` the
 * way tsup builds them. Sorted, so the report is stable.
 */
export function findApiEntryPoints(root: string): ApiEntryPoint[] {
  const packagesDir = join(root, 'packages');
  const entries: ApiEntryPoint[] = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.private === true || manifest.name === undefined || manifest.exports === undefined) continue;
    for (const [subpath, target] of Object.entries(manifest.exports).sort(([a], [b]) => a.localeCompare(b))) {
      if (unstableSubpaths.includes(subpath)) continue;
      const built = typeof target === 'string' ? target : target.import;
      if (built === undefined) throw new Error(`${manifestPath}: exports["${subpath}"] has no import target`);
      // A data file (a JSON Schema) is no module: it has no exports to report.
      if (!built.endsWith('.js')) continue;
      const source = join(packagesDir, folder, built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
      if (!existsSync(source))
        throw new Error(`${manifestPath}: exports["${subpath}"] has no source at ${source}`);
      entries.push({
        packageName: manifest.name,
        folder,
        specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        sourceFile: source,
      });
    }
  }
  return entries;
}
