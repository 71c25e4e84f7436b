import type { HealingStrategy } from '../healing-strategy.js';
import { restartAndVerify } from './restart-and-verify.js';

/**
 * Docker offers no way to drop a process's connection pools from outside, so, as in the seed,
 * resetting connections means restarting the container. It is a separate name so that config and
 * records say why the restart happened; it uses the restart budget like any restart.
 */
export const resetConnectionsStrategy: HealingStrategy = {
  name: 'reset_connections',
  description: 'Restarts the container so its processes drop and reopen every connection pool.',
  restartsContainer: true,
  allowedAs: 'restart_container',
  run: (context) => restartAndVerify(context, 'reset_connections: dropping connection pools'),
};
