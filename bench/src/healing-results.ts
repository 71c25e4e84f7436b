import type { HealingActionRecord, WebsiteMonitorAgent } from '@website-monitor/core';

/**
 * Resolves once the agent has recorded the result of a healing action on a container. A sample
 * removes its container only then: removing it while the restart is in flight would make the
 * agent log a failed restart that is the bench's doing.
 */
export function healingResults(agent: WebsiteMonitorAgent) {
  const seen = new Set<string>();
  const waiters = new Map<string, Array<() => void>>();
  agent.on('healing:result', (action: HealingActionRecord) => {
    seen.add(action.containerName);
    for (const resolve of waiters.get(action.containerName) ?? []) resolve();
    waiters.delete(action.containerName);
  });
  return {
    settled(containerName: string, timeoutMs = 20_000): Promise<void> {
      if (seen.has(containerName)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no healing result for ${containerName} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const list = waiters.get(containerName) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve();
        });
        waiters.set(containerName, list);
      });
    },
  };
}

export type HealingResults = ReturnType<typeof healingResults>;
