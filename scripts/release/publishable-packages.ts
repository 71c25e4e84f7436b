import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of a package.json the release checks read. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly homepage?: string;
  readonly bugs?: { readonly url?: string };
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly license?: string;
  readonly type?: string;
  readonly engines?: Readonly<Record<string, string>>;
  readonly bin?: Readonly<Record<string, string>>;
  readonly exports?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly files?: readonly string[];
  readonly publishConfig?: { readonly access?: string };
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

export interface WorkspacePackage {
  /** The folder under packages/, e.g. `core`. */
  readonly folder: string;
  readonly dir: string;
  readonly manifest: PackageManifest;
}

/** Every package under `packages/` that is not private: what `pnpm release` publishes. */
export function readPublishablePackages(repoRoot: string): readonly WorkspacePackage[] {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .map((folder) => ({ folder, dir: join(packagesDir, folder) }))
    .filter(({ dir }) => existsSync(join(dir, 'package.json')))
    .map(({ folder, dir }) => ({
      folder,
      dir,
      manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest,
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/**
 * The import specifiers a consumer can use: `@website-monitor/core`, `@website-monitor/core/testing`...
 * JSON entries (`./config.schema.json`) are left out: they are data, not modules.
 */
export function moduleEntryPoints(manifest: PackageManifest): readonly string[] {
  return Object.keys(manifest.exports ?? {})
    .filter((subpath) => !subpath.endsWith('.json') && !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}
