/**
 * Runs the agent with the plugin against the local Docker engine, in dry run so it changes
 * nothing: `node examples/custom-strategy/src/main.ts` after `pnpm build` (see the README), or
 * through the test beside this file, which runs the same configuration on the published fakes.
 *
 * Node runs this file as it is (type stripping), so its own imports name the `.ts` files.
 */
import { pathToFileURL } from 'node:url';
import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { createReloadProcessStrategy } from './reload-process-strategy.ts';

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
  const runtime = createDockerRuntime();
  const agent = new WebsiteMonitorAgent({
    // Plugin names must be known to the config check, or `reload_process` is refused as unknown.
    config: parseMonitorConfig({ text: exampleConfig, knownActions: [reload.name] }),
    runtime,
    strategies: [reload],
    logger: { log: (level, event, fields) => console.log(JSON.stringify({ level, event, ...fields })) },
  });
  // Listening before the start: a Ctrl-C during it still stops the agent cleanly.
  const stop = async () => {
    await agent.stop();
    // Closes the events stream and the engine connections, so the process can end.
    await runtime[Symbol.asyncDispose]();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await agent.start();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
