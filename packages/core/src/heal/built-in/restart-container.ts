import type { HealingStrategy } from '../healing-strategy.js';
import { restartAndVerify } from './restart-and-verify.js';

export const restartContainerStrategy: HealingStrategy = {
  name: 'restart_container',
  description: 'Graceful restart (SIGTERM, SIGKILL after the stop timeout), then checks it is running.',
  restartsContainer: true,
  run: (context) => restartAndVerify(context, 'restart_container'),
};
