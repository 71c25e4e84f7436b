import { isServiceActionName, normalizeActionName } from '../domain/action.js';
import type { ConfigPath } from './config-path.js';
import { defaultMonitorConfig } from './default-monitor-config.js';

export interface CrossCheckIssue {
  readonly path: ConfigPath;
  readonly message: string;
}

/**
 * Rules that span several keys (names, the dependency graph, contradicting lists). They read the
 * raw data defensively so they still run when the schema found other problems: the user gets
 * every issue in one go instead of fixing them one run at a time.
 */
export function crossCheckConfig(raw: unknown): CrossCheckIssue[] {
  const issues: CrossCheckIssue[] = [];
  const monitoring = record(record(raw)?.monitoring);
  const healing = record(record(raw)?.healing);
  checkContainers(monitoring?.containers, issues);
  checkApprovalOverlap(healing, issues);
  checkServiceActionsInPlans(healing, issues);
  const initial = healing?.backoff_initial_seconds;
  const max = healing?.backoff_max_seconds ?? defaultMonitorConfig().healing.backoffMaxSeconds;
  if (typeof initial === 'number' && typeof max === 'number' && initial > max) {
    const maxSource = healing?.backoff_max_seconds === undefined ? 'the default ' : '';
    issues.push({
      path: ['healing', 'backoff_initial_seconds'],
      message: `backoff_initial_seconds (${initial}) is larger than ${maxSource}backoff_max_seconds (${max})`,
    });
  }
  // Both set and contradicting: the storm limit would silently be raised to the steady one.
  const steady = healing?.max_concurrent_restarts;
  const storm = healing?.storm_concurrent_restarts;
  if (typeof steady === 'number' && typeof storm === 'number' && storm < steady) {
    issues.push({
      path: ['healing', 'storm_concurrent_restarts'],
      message: `storm_concurrent_restarts (${storm}) is smaller than max_concurrent_restarts (${steady}); it is the most slots a long restart queue may open, so it must be at least the steady-state limit`,
    });
  }
  return issues;
}

function checkContainers(containers: unknown, issues: CrossCheckIssue[]): void {
  if (!Array.isArray(containers)) return;
  const base = ['monitoring', 'containers'] as const;
  const firstIndexByName = new Map<string, number>();
  const dependsOn = new Map<string, { index: number; names: string[] }>();

  containers.forEach((entry, index) => {
    const container = record(entry);
    const name = typeof container?.name === 'string' ? container.name.replace(/^\//, '') : undefined;
    if (name === undefined) return;
    const first = firstIndexByName.get(name);
    if (first !== undefined) {
      issues.push({
        path: [...base, index, 'name'],
        message: `duplicate container name "${name}" (also monitoring.containers[${first}])`,
      });
      return;
    }
    firstIndexByName.set(name, index);
    if (!Array.isArray(container?.depends_on)) return;
    const names: string[] = [];
    container.depends_on.forEach((dependency, dependencyIndex) => {
      if (typeof dependency !== 'string') return;
      if (dependency === name) {
        issues.push({
          path: [...base, index, 'depends_on', dependencyIndex],
          message: `"${name}" depends on itself`,
        });
      } else {
        names.push(dependency);
      }
    });
    dependsOn.set(name, { index, names });
  });

  for (const cycle of findCycles(new Map([...dependsOn].map(([name, entry]) => [name, entry.names])))) {
    const index = dependsOn.get(cycle[0] ?? '')?.index ?? 0;
    issues.push({
      path: [...base, index, 'depends_on'],
      message: `depends_on cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
    });
  }
}

/** Each elementary cycle once, starting at its first-listed member. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];

  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const nextState = state.get(next);
      if (nextState === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (nextState === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };

  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

function checkApprovalOverlap(healing: Record<string, unknown> | undefined, issues: CrossCheckIssue[]): void {
  const automatic = healing?.auto_fix_actions;
  const manual = healing?.manual_approval_required;
  if (!Array.isArray(automatic) || !Array.isArray(manual)) return;
  const automaticNames = new Set(
    automatic.filter((name) => typeof name === 'string').map(normalizeActionName),
  );
  manual.forEach((name, index) => {
    if (typeof name === 'string' && automaticNames.has(normalizeActionName(name))) {
      issues.push({
        path: ['healing', 'manual_approval_required', index],
        message: `${normalizeActionName(name)} is in both auto_fix_actions and manual_approval_required; pick one`,
      });
    }
  });
}

/** A Swarm service's actions act on a service, so a container's plan cannot hold them. */
function checkServiceActionsInPlans(
  healing: Record<string, unknown> | undefined,
  issues: CrossCheckIssue[],
): void {
  for (const group of ['strategies', 'cause_plans'] as const) {
    for (const [key, steps] of Object.entries(record(healing?.[group]) ?? {})) {
      if (!Array.isArray(steps)) continue;
      steps.forEach((step, index) => {
        const action = record(step)?.action;
        if (typeof action !== 'string' || !isServiceActionName(action)) return;
        issues.push({
          path: ['healing', group, key, index, 'action'],
          message: `${action} acts on a Swarm service, not on a container: list it under healing.swarm (failed_update or failing_tasks)`,
        });
      });
    }
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
