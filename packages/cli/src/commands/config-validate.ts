import { formatConfigIssues, loadMonitorConfigFile, MonitorError } from '@website-monitor/core';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io/cli-io.js';

/**
 * `website-monitor config validate FILE`: `FILE: ok`, or one `FILE:LINE: path: message` line per
 * problem on stdout (the problems are this command's answer) and exit 2.
 */
export async function configValidateCommand(file: string, io: CliIo): Promise<number> {
  try {
    await loadMonitorConfigFile({ path: file, env: io.env });
  } catch (error) {
    if (!MonitorError.isInstance(error) || error.code !== 'config_invalid') throw error;
    const { issues } = error as MonitorError & { issues: Parameters<typeof formatConfigIssues>[0] };
    io.stdout(`${formatConfigIssues(issues, file)}\n`);
    return exitCodes.usage;
  }
  io.stdout(`${file}: ok\n`);
  return exitCodes.ok;
}
