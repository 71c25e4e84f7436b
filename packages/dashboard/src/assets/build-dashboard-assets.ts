import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { contentHash, type DashboardAssets, dashboardAsset, dashboardAssets } from './dashboard-assets.js';
import { dashboardFavicon, dashboardHtml } from './dashboard-html.js';

const clientEntry = fileURLToPath(new URL('../client/main.ts', import.meta.url));
const stylesEntry = fileURLToPath(new URL('../client/styles.css', import.meta.url));

/** Bundles and minifies the client source with esbuild into content-hashed files and the page. */
export async function buildDashboardAssets(): Promise<DashboardAssets> {
  if (!existsSync(clientEntry)) {
    // A built package whose dist/dashboard was removed: there is no source to build from.
    throw new Error(
      'the dashboard bundle (dist/dashboard) is missing from @website-monitor/dashboard: reinstall or rebuild it',
    );
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new Error(
      'the dashboard bundle is missing and esbuild is not installed to build it: run `pnpm build` in packages/dashboard',
      { cause: error },
    );
  }
  const common = {
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  } as const;
  const [script, styles] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [clientEntry],
      format: 'iife',
      target: 'es2022',
      platform: 'browser',
    }),
    esbuild.build({ ...common, entryPoints: [stylesEntry], target: 'chrome120' }),
  ]);
  const js = Buffer.from(onlyOutput(script.outputFiles).contents);
  const css = Buffer.from(onlyOutput(styles.outputFiles).contents);
  const favicon = Buffer.from(dashboardFavicon);
  const jsPath = `/assets/app-${contentHash(js)}.js`;
  const cssPath = `/assets/app-${contentHash(css)}.css`;
  const faviconPath = `/assets/favicon-${contentHash(favicon)}.svg`;
  const html = Buffer.from(dashboardHtml({ scriptPath: jsPath, stylesPath: cssPath, faviconPath }));
  return dashboardAssets([
    dashboardAsset({
      path: '/index.html',
      contentType: 'text/html; charset=utf-8',
      body: html,
      immutable: false,
    }),
    dashboardAsset({
      path: jsPath,
      contentType: 'text/javascript; charset=utf-8',
      body: js,
      immutable: true,
    }),
    dashboardAsset({ path: cssPath, contentType: 'text/css; charset=utf-8', body: css, immutable: true }),
    dashboardAsset({ path: faviconPath, contentType: 'image/svg+xml', body: favicon, immutable: true }),
  ]);
}

function onlyOutput<T>(files: readonly T[] | undefined): T {
  const [file] = files ?? [];
  if (!file) throw new Error('esbuild produced no output for the dashboard');
  return file;
}
