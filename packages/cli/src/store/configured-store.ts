import { defaultMonitorConfig, loadMonitorConfigFile, type MonitorConfig } from '@website-monitor/core';
import type { CliIo } from '../io/cli-io.js';
import { type StoreSelection, selectStore } from './store-selection.js';

/**
 * The config and store selection every command that touches the store shares (`run`,
 * `incidents`, `db migrate`), so they always agree on which database they mean. Without
 * `--config`, the defaults: the SQLite file `./.website-monitor/monitor.db` under the working
 * directory, or `DATABASE_URL`. Selection warnings go to stderr.
 */
export async function loadConfiguredStore({
  configPath,
  io,
}: {
  configPath: string | undefined;
  io: CliIo;
}): Promise<{ config: MonitorConfig; selection: StoreSelection }> {
  const config =
    configPath === undefined
      ? defaultMonitorConfig()
      : await loadMonitorConfigFile({ path: configPath, env: io.env });
  const { selection, warnings } = selectStore({ storage: config.storage, env: io.env });
  for (const warning of warnings) io.stderr(`website-monitor: ${warning}\n`);
  return { config, selection };
}
