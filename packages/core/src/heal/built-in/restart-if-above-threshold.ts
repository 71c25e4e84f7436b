import { memoryUsage } from '../../check/resource-usage.js';
import type { HealingStrategy } from '../healing-strategy.js';
import { errorMessage } from './outcome-text.js';
import { restartAndVerify } from './restart-and-verify.js';

/** The seed's threshold for "memory pressure". */
export const defaultRestartThresholdPercent = 90;

/**
 * Restarts only while memory is still high, so it fits after a gentler step such as
 * `garbage_collection`: if that brought memory down, nothing is restarted. Memory is the working
 * set (`docker stats`' figure), which one one-shot reading gives; no second reading is needed.
 */
export const restartIfAboveThresholdStrategy: HealingStrategy = {
  name: 'restart_if_above_threshold',
  description: `Restarts the container only if its memory use is at or above the step's threshold_percent (default ${defaultRestartThresholdPercent}).`,
  restartsContainer: true,
  allowedAs: 'restart_container',
  async run(context) {
    const { container } = context;
    const threshold = context.step?.thresholdPercent ?? defaultRestartThresholdPercent;
    let percent: number;
    try {
      const sample = await context.runtime.stats({ id: container.id, signal: context.signal });
      const usage = memoryUsage(sample);
      if (usage.limitBytes <= 0) {
        return {
          ok: false,
          changedContainer: false,
          detail: `memory limit of ${container.name} is unknown; not restarting on a threshold`,
        };
      }
      percent = usage.percent;
    } catch (error) {
      return {
        ok: false,
        changedContainer: false,
        detail: `could not read memory of ${container.name}: ${errorMessage(error)}`,
      };
    }
    const measured = `memory ${percent.toFixed(1)}% (threshold ${threshold}%)`;
    if (percent < threshold) {
      return { ok: true, changedContainer: false, detail: `${measured}: below threshold, not restarted` };
    }
    return restartAndVerify(context, `restart_if_above_threshold: ${measured}`);
  },
};
