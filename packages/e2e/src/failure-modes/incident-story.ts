import type { Diagnosis, HealingActionRecord, Incident } from '@website-monitor/core';
import type { E2eAgent, RecordedAgentEvent } from '../harness/e2e-agent.js';
import { waitUntil } from '../harness/wait-until.js';

/** Actions that restart the container (the policy counts each against the restart budget). */
export const restartingActions: readonly string[] = [
  'restart_container',
  'restart_if_above_threshold',
  'reset_connections',
];

/** Every diagnosis the incident was given, oldest first, with when. */
export function diagnosesOf(incident: Incident): { readonly at: number; readonly diagnosis: Diagnosis }[] {
  return (incident.history ?? []).flatMap((entry) =>
    entry.kind === 'diagnosed' ? [{ at: entry.at, diagnosis: entry.diagnosis }] : [],
  );
}

/** Restarting actions that really ran (or were started): a refused or skipped step is not a restart. */
export function restartsIn(actions: readonly HealingActionRecord[]): HealingActionRecord[] {
  return actions.filter((action) => restartingActions.includes(action.action) && action.result !== 'skipped');
}

/** The agent's log lines that name this container, one per line, for a failure message. */
export function agentLogAbout(monitor: E2eAgent, containerName: string): string {
  return monitor.logger.entries
    .filter((entry) => JSON.stringify(entry.fields).includes(containerName))
    .map((entry) => `${entry.level} ${entry.event} ${JSON.stringify(entry.fields)}`)
    .join('\n');
}

/** Waits for the first escalation or resolution of one of this container's incidents. */
export async function waitForIncidentEnd(
  monitor: E2eAgent,
  containerName: string,
  timeoutMs: number,
): Promise<RecordedAgentEvent & { readonly payload: Incident }> {
  const ended = await waitUntil(
    `an incident of ${containerName} to be escalated or resolved`,
    () =>
      monitor.events.find(
        (event) =>
          (event.name === 'incident:escalated' || event.name === 'incident:resolved') &&
          (event.payload as Incident).containerName === containerName,
      ),
    { timeoutMs },
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}\n--- agent log about ${containerName} ---\n${agentLogAbout(monitor, containerName)}`,
    );
  });
  return ended as RecordedAgentEvent & { readonly payload: Incident };
}

/** A short account of an incident for assertion messages. */
export function describeIncident(incident: Incident | undefined): string {
  if (incident === undefined) return 'no incident';
  return JSON.stringify(
    {
      status: incident.status,
      trigger: incident.trigger,
      exitCode: incident.exitCode,
      diagnosis: incident.diagnosis,
      escalationReason: incident.escalationReason,
      actionsTaken: incident.actionsTaken,
      reopenCount: incident.reopenCount,
      history: incident.history,
    },
    null,
    1,
  );
}
