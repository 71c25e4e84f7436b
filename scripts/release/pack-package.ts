import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PackageManifest, WorkspacePackage } from './publishable-packages.js';
import { runChecked } from './run-command.js';

export interface PackedPackage {
  readonly folder: string;
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
  /** The tarball's size on disk (gzip). */
  readonly packedBytes: number;
  readonly unpackedBytes: number;
  /** Paths inside the package, e.g. `dist/index.js`, sorted. */
  readonly files: readonly string[];
  /** Where the tarball was unpacked for the checks (`<dir>/package.json` is the packed manifest). */
  readonly unpackedDir: string;
  readonly manifest: PackageManifest;
}

/**
 * `pnpm pack`: the tarball `pnpm publish` would upload, with `workspace:` ranges replaced by the
 * versions they point at. Unpacked beside it for the checks.
 */
export async function packPackage(
  pkg: WorkspacePackage,
  options: { readonly destination: string; readonly timeoutMs: number },
): Promise<PackedPackage> {
  mkdirSync(options.destination, { recursive: true });
  const { output } = await runChecked('pnpm', ['pack', '--json', '--pack-destination', options.destination], {
    cwd: pkg.dir,
    timeoutMs: options.timeoutMs,
  });
  // pnpm prints the JSON report last; anything before it is a lifecycle script's output.
  const report = JSON.parse(output.slice(output.indexOf('{'))) as { filename: string };
  return unpackTarball(pkg.folder, report.filename, options);
}

/** A tarball made elsewhere (`changeset pack`), unpacked and described like one packed here. */
export async function unpackTarball(
  folder: string,
  tarball: string,
  options: { readonly destination: string; readonly timeoutMs: number },
): Promise<PackedPackage> {
  const unpackedDir = join(options.destination, 'unpacked', folder);
  mkdirSync(unpackedDir, { recursive: true });
  await runChecked('tar', ['-xzf', tarball, '-C', unpackedDir, '--strip-components=1'], {
    cwd: options.destination,
    timeoutMs: options.timeoutMs,
  });
  const files = listFiles(unpackedDir).map((path) => relative(unpackedDir, path));
  const manifest = JSON.parse(readFileSync(join(unpackedDir, 'package.json'), 'utf8')) as PackageManifest;
  return {
    folder,
    name: manifest.name,
    version: manifest.version,
    tarball,
    packedBytes: statSync(tarball).size,
    unpackedBytes: files.reduce((sum, file) => sum + statSync(join(unpackedDir, file)).size, 0),
    files: files.sort(),
    unpackedDir,
    manifest,
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
