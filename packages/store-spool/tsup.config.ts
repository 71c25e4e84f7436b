import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  // `node:sqlite` exists only with its prefix: an import of 'sqlite' would fail at run time.
  removeNodeProtocol: false,
});
