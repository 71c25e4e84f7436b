import type { StorageConfig } from '@website-monitor/core';
import { isPostgresUrl } from '@website-monitor/core/internal';

/** Which store a command opens, decided from the config and the environment alone. */
export type StoreSelection =
  | {
      readonly kind: 'postgres';
      /** With its password: for the driver only, never for output (see `redactedUrl`). */
      readonly url: string;
      readonly source: 'DATABASE_URL' | 'storage.url';
      readonly spoolPath: string;
      readonly spoolMaxBytes: number;
    }
  | { readonly kind: 'sqlite'; readonly path: string };

export interface SelectStoreResult {
  readonly selection: StoreSelection;
  /** Lines for stderr: something in the environment was set but not used. */
  readonly warnings: readonly string[];
}

/**
 * `DATABASE_URL` in the environment wins over `storage.url` in the file: the environment is
 * where deployments put credentials (12-factor, Heroku, Compose `env_file`), and it lets one
 * config file serve several databases. It only counts when it names PostgreSQL: a DATABASE_URL
 * left over for another program (`mysql://...`) is ignored with a warning rather than stopping
 * the agent. With neither, the embedded SQLite file at `storage.path`.
 */
export function selectStore({
  storage,
  env,
}: {
  storage: StorageConfig;
  env: Readonly<Record<string, string | undefined>>;
}): SelectStoreResult {
  const warnings: string[] = [];
  const fromEnv = env.DATABASE_URL?.trim();
  const postgres = (url: string, source: 'DATABASE_URL' | 'storage.url'): SelectStoreResult => ({
    selection: {
      kind: 'postgres',
      url,
      source,
      spoolPath: storage.spoolPath,
      spoolMaxBytes: storage.spoolMaxBytes,
    },
    warnings,
  });
  if (fromEnv) {
    if (isPostgresUrl(fromEnv)) return postgres(fromEnv, 'DATABASE_URL');
    warnings.push(
      `DATABASE_URL is set but is not a postgres:// or postgresql:// URL; ignoring it (using ${storage.url === undefined ? `the SQLite file ${storage.path}` : 'storage.url'})`,
    );
  }
  if (storage.url !== undefined) return postgres(storage.url, 'storage.url');
  return { selection: { kind: 'sqlite', path: storage.path }, warnings };
}
