import { defineHealingStrategy } from '@website-monitor/core';

/**
 * A plugin: many servers (nginx, haproxy, gunicorn, php-fpm) reload their configuration and
 * recycle their workers on SIGHUP, which fixes a stuck worker pool without dropping the listening
 * socket. It sends SIGHUP to PID 1's child, as argv, inside the container.
 *
 * With `Init: true` (docker run --init) PID 1 is Docker's init and the app is its child; without
 * it the app is PID 1. `signalTarget` lets a deployment say which.
 */
export function createReloadProcessStrategy(options: { readonly signalTarget?: string } = {}) {
  const target = options.signalTarget ?? '1';
  return defineHealingStrategy({
    name: 'reload_process',
    description: 'Sends SIGHUP to the main process so it reloads its configuration and workers',
    restartsContainer: false,
    appliesTo: (incident) => incident.trigger === 'http_failed' || incident.trigger === 'slow_response',
    async run({ container, runtime }) {
      const result = await runtime.exec({
        id: container.id,
        argv: ['kill', '-HUP', target],
        timeoutMs: 5_000,
      });
      if (result.exitCode !== 0) {
        return {
          ok: false,
          changedContainer: false,
          detail: `kill -HUP ${target} exited ${result.exitCode}: ${result.output.trim()}`,
        };
      }
      return {
        ok: true,
        changedContainer: true,
        detail: `sent SIGHUP to process ${target} in ${container.name}`,
      };
    },
  });
}
