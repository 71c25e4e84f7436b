import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

/** One file the dashboard serves, ready to write to a response. */
export interface DashboardAsset {
  /** The URL path: `/index.html`, `/assets/app-1a2b3c4d5e.js`. */
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** Precompressed once, sent to clients that accept gzip. */
  readonly gzip: Buffer;
  /** A strong validator (hash of the body), quoted. */
  readonly etag: string;
  /** Content-hashed names never change meaning: cached for a year. The page itself is revalidated. */
  readonly immutable: boolean;
}

/** Every file of the dashboard, by URL path. */
export interface DashboardAssets {
  /** Every file, the page first. */
  readonly files: readonly DashboardAsset[];
  /** The file served at `path`, if any. */
  get(path: string): DashboardAsset | undefined;
  /** What `dist/dashboard/manifest.json` records, so a built package can load the files again. */
  manifest(): DashboardManifest;
}

/** The list of files a built package ships (`dist/dashboard/manifest.json`). */
export interface DashboardManifest {
  readonly files: readonly {
    readonly path: string;
    readonly contentType: string;
    readonly immutable: boolean;
  }[];
}

/** Next to the built `dist/index.js`: the prebuilt browser bundle (see tsup.config.ts). */
export const prebuiltDirectoryName = 'dashboard';
export const prebuiltManifestName = 'manifest.json';

export function dashboardAsset(options: {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly immutable: boolean;
}): DashboardAsset {
  return {
    ...options,
    gzip: gzipSync(options.body, { level: 9 }),
    etag: `"${contentHash(options.body)}"`,
  };
}

export function dashboardAssets(files: readonly DashboardAsset[]): DashboardAssets {
  const byPath = new Map(files.map((file) => [file.path, file]));
  return {
    files,
    get: (path) => byPath.get(path),
    manifest: () => ({
      files: files.map(({ path, contentType, immutable }) => ({ path, contentType, immutable })),
    }),
  };
}

/** First 10 hex digits of SHA-256: enough to tell builds apart in a file name. */
export function contentHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 10);
}

/**
 * The dashboard's files: the prebuilt bundle shipped in `dist/` when this module runs from a
 * built package, or a fresh esbuild build of the client source when it runs from source (tests,
 * `pnpm dev`), so nothing generated is committed and no build step comes before `pnpm test`.
 *
 * @example
 * ```ts
 * import { createDashboardHandler, loadDashboardAssets } from '@website-monitor/dashboard';
 *
 * const assets = await loadDashboardAssets(); // load once, share between handlers
 * const dashboard = await createDashboardHandler({ assets });
 * ```
 */
export async function loadDashboardAssets(): Promise<DashboardAssets> {
  const directory = new URL(`./${prebuiltDirectoryName}/`, import.meta.url);
  let manifestText: string | undefined;
  try {
    manifestText = await readFile(new URL(prebuiltManifestName, directory), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (manifestText !== undefined) {
    const manifest = JSON.parse(manifestText) as DashboardManifest;
    return dashboardAssets(
      await Promise.all(
        manifest.files.map(async (file) =>
          dashboardAsset({ ...file, body: await readFile(new URL(file.path.slice(1), directory)) }),
        ),
      ),
    );
  }
  // Running from source: build the client now (esbuild is a dev dependency, loaded only here).
  const { buildDashboardAssets } = await import('./build-dashboard-assets.js');
  return buildDashboardAssets();
}
