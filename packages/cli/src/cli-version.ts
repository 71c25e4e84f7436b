import { readFileSync } from 'node:fs';

/**
 * The package's version, read at run time. This file sits at `src/` and is bundled into a chunk
 * at `dist/`, so `../package.json` is the CLI's own manifest either way.
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}
