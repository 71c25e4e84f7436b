import { readFileSync } from 'node:fs';
import { readConfigDocs } from '../src/config/config-docs.js';
import { createConfigJsonSchema, type JsonSchema } from '../src/config/config-json-schema.js';

/** The schema as shipped: `@website-monitor/core/config.schema.json`. */
export const configSchemaFile = new URL('../config.schema.json', import.meta.url);
/** Where the keys are explained; the schema's descriptions and defaults come from its tables. */
export const configDocsFile = new URL('../../../docs/configuration.md', import.meta.url);

/** What `pnpm schema:update` writes: built-in actions only, described from the docs page. */
export function generateCheckedInConfigSchema(): JsonSchema {
  return createConfigJsonSchema({ docs: readConfigDocs(readFileSync(configDocsFile, 'utf8')) });
}
