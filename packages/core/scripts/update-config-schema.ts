// `pnpm schema:update`: writes packages/core/config.schema.json, the JSON Schema of config.yaml,
// from the zod schema the loader validates with and the key tables of docs/configuration.md.
// Run it after changing either; `config-json-schema.test.ts` fails until the file is in step.
//
//   pnpm schema:update           write the file (formatted as Biome formats JSON)
//   pnpm schema:update --check   exit 1 when the file is out of date, write nothing
//
// Runs from TypeScript source with no build, like `pnpm eval`: the CLI's source-mode hooks are
// installed before anything of core is imported.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type * as SourceHooks from '../../cli/src/source-mode/source-hooks.js';

const hooks: typeof SourceHooks = await import(
  new URL('../../cli/src/source-mode/source-hooks.ts', import.meta.url).href
);
hooks.registerSourceHooks();

type CheckedInSchema = typeof import('./checked-in-config-schema.js');
const { generateCheckedInConfigSchema, configSchemaFile: target }: CheckedInSchema = await import(
  new URL('./checked-in-config-schema.ts', import.meta.url).href
);

const schema = generateCheckedInConfigSchema();
const current = readJson(target);

if (process.argv.includes('--check')) {
  if (isDeepStrictEqual(current, schema)) {
    process.stdout.write('config.schema.json is up to date\n');
  } else {
    process.stderr.write('config.schema.json is out of date: run pnpm schema:update\n');
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  // Biome formats JSON too (`pnpm lint` checks it): leave the file as it would.
  const biome = new URL('../../../node_modules/.bin/biome', import.meta.url);
  const formatted = spawnSync(biome.pathname, ['format', '--write', target.pathname], { stdio: 'ignore' });
  const bytes = readFileSync(target).byteLength;
  process.stdout.write(
    `wrote ${target.pathname} (${bytes} bytes)${formatted.status === 0 ? '' : ' (not formatted: biome did not run)'}\n`,
  );
}

function readJson(url: URL): unknown {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
