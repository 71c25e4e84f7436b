import type { HealingStrategy } from '../healing-strategy.js';
import { checkDependenciesStrategy } from './check-dependencies.js';
import { clearCacheStrategy } from './clear-cache.js';
import { customScriptStrategy } from './custom-script.js';
import { diagnoseWithClaudeStrategy } from './diagnose-with-claude.js';
import { garbageCollectionStrategy } from './garbage-collection.js';
import { configurationChangeStrategy, databaseMigrationStrategy } from './operator-actions.js';
import { resetConnectionsStrategy } from './reset-connections.js';
import { restartContainerStrategy } from './restart-container.js';
import { restartIfAboveThresholdStrategy } from './restart-if-above-threshold.js';

/** One strategy per name in `builtInActionNames`, in the same order. */
export const builtInStrategies: readonly HealingStrategy[] = [
  restartContainerStrategy,
  clearCacheStrategy,
  resetConnectionsStrategy,
  checkDependenciesStrategy,
  restartIfAboveThresholdStrategy,
  garbageCollectionStrategy,
  customScriptStrategy,
  diagnoseWithClaudeStrategy,
  databaseMigrationStrategy,
  configurationChangeStrategy,
];
