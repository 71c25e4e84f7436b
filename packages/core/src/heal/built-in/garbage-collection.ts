import type { HealingContext, HealingOutcome, HealingStrategy } from '../healing-strategy.js';
import { errorMessage, tailOf } from './outcome-text.js';

export const gcCommandLabel = 'website-monitor.gc_command';
const gcTimeoutMs = 30_000;

/**
 * There is no runtime-neutral way to make a process collect garbage from outside, and dropping
 * the kernel's page cache is host-wide and privileged, so this action does only what the
 * container's owner declared: the argv in the `website-monitor.gc_command` label (a JSON array,
 * e.g. `["kill","-USR2","1"]`), run inside the container. Without the label it reports failure
 * and changes nothing, so the next step of the strategy (e.g. `restart_if_above_threshold`) runs.
 */
export const garbageCollectionStrategy: HealingStrategy = {
  name: 'garbage_collection',
  description: `Runs the in-container command from the ${gcCommandLabel} label (JSON argv); nothing without it.`,
  restartsContainer: false,
  run: runGcCommand,
};

async function runGcCommand(context: HealingContext): Promise<HealingOutcome> {
  const { container } = context;
  const label = container.labels[gcCommandLabel];
  if (label === undefined || label.trim() === '') {
    return {
      ok: false,
      changedContainer: false,
      detail: `no gc_command configured for ${container.name}; nothing to do (set the ${gcCommandLabel} label)`,
    };
  }
  const argv = parseGcCommand(label);
  if (argv === undefined) {
    return {
      ok: false,
      changedContainer: false,
      detail: `label ${gcCommandLabel} on ${container.name} must be a JSON array of strings, e.g. ["kill","-USR2","1"]`,
    };
  }
  try {
    const result = await context.runtime.exec({ id: container.id, argv, timeoutMs: gcTimeoutMs });
    const output = tailOf(result.output, 1024);
    return {
      ok: result.exitCode === 0,
      changedContainer: true,
      detail: `ran ${JSON.stringify(argv)} in ${container.name}: exit ${result.exitCode}${output ? `: ${output}` : ''}`,
    };
  } catch (error) {
    return {
      ok: false,
      changedContainer: false,
      detail: `gc_command in ${container.name} failed: ${errorMessage(error)}`,
    };
  }
}

export function parseGcCommand(text: string): readonly string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every((part): part is string => typeof part === 'string') || value[0] === '') return undefined;
  return value;
}
