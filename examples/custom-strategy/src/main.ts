/**
 * Runs the agent with the plugin against the local Docker engine, in dry run so it changes
 * nothing: `node examples/custom-strategy/src/main.ts` after `pnpm build`, or through the
 * test beside this file, which runs the same configuration on the published fakes.
 */
import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { createReloadProcessStrategy } from './reload-process-strategy.js';

export const exampleConfig = `
monitoring:
  discovery: labelled           # only containers labelled website-monitor.enable=true
healing:
  dry_run: true
  auto_fix_actions: [reload_process, restart_container]
  strategies:
    http_failed:
      - action: reload_process  # try the gentle fix first...
      - action: restart_container  # ...and restart only if it did not help
`;

export async function main(): Promise<void> {
  const reload = createReloadProcessStrategy();
  const agent = new WebsiteMonitorAgent({
    // Plugin names must be known to the config check, or `reload_process` is refused as unknown.
    config: parseMonitorConfig({ text: exampleConfig, knownActions: [reload.name] }),
    runtime: createDockerRuntime(),
    strategies: [reload],
    logger: { log: (level, event, fields) => console.log(JSON.stringify({ level, event, ...fields })) },
  });
  await agent.start();
  process.once('SIGINT', () => void agent.stop());
  process.once('SIGTERM', () => void agent.stop());
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
