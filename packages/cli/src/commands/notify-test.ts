import { loadMonitorConfigFile } from '@website-monitor/core';
import { createNotifierFromConfig, sendTestNotification } from '@website-monitor/notifier';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io/cli-io.js';

/**
 * `website-monitor notify test --config FILE`: sends one clearly-labelled sample notification to
 * every webhook in `notifications:` and prints how each went (webhook URLs shown by origin only:
 * they are secrets). Exit 0 when all were delivered, 1 when one failed, 2 when none is configured.
 */
export async function notifyTestCommand(options: { readonly config: string }, io: CliIo): Promise<number> {
  const config = await loadMonitorConfigFile({ path: options.config, env: io.env });
  const notifier = createNotifierFromConfig(config.notifications);
  if (!notifier) {
    io.stderr(`website-monitor: ${options.config} configures no notifications (notifications.webhooks)\n`);
    return exitCodes.usage;
  }
  const result = await sendTestNotification({
    notifier,
    ...(io.env.WEBSITE_MONITOR_HOST ? { host: io.env.WEBSITE_MONITOR_HOST } : {}),
  });
  for (const line of result.lines) io.stdout(`${line}\n`);
  return result.ok ? exitCodes.ok : exitCodes.notificationFailed;
}
