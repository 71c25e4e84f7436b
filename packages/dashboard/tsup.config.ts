import { mkdir, rm, writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { buildDashboardAssets } from './src/assets/build-dashboard-assets.js';
import { prebuiltDirectoryName, prebuiltManifestName } from './src/assets/dashboard-assets.js';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  // Only used to build the browser bundle from source; a built package ships the bundle instead.
  external: ['esbuild'],
  // The browser bundle goes next to dist/index.js, where loadDashboardAssets() looks first.
  async onSuccess() {
    const assets = await buildDashboardAssets();
    const directory = new URL(`./dist/${prebuiltDirectoryName}/`, import.meta.url);
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory, { recursive: true });
    for (const file of assets.files) {
      const target = new URL(file.path.slice(1), directory);
      await mkdir(new URL('./', target), { recursive: true });
      await writeFile(target, file.body);
    }
    await writeFile(new URL(prebuiltManifestName, directory), JSON.stringify(assets.manifest(), null, 2));
  },
});
