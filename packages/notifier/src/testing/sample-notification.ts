import type { Notification, NotificationKind } from '@website-monitor/core';

/** A fake AWS access key id (AWS's documented example): a log line quoting it must not leave the host. */
export const fakeAwsKey = 'AKIAIOSFODNN7EXAMPLE';

export function sampleNotification(kind: NotificationKind = 'incident_opened'): Notification {
  const openedAt = Date.UTC(2026, 10, 28, 6, 0, 0);
  return {
    kind,
    message: 'web-1 exited with code 137',
    incident: {
      id: 'inc-1',
      host: 'host-a',
      containerId: 'c0ffee',
      containerName: 'web-1',
      trigger: 'container_stopped',
      problems: [{ kind: 'container_stopped', message: 'web-1 exited with code 137' }],
      status: kind === 'incident_resolved' ? 'resolved' : 'healing',
      openedAt,
      updatedAt: openedAt,
      resolvedAt: kind === 'incident_resolved' ? openedAt + 5_000 : null,
      exitCode: 137,
      oomKilled: false,
      diagnosis: {
        diagnosis: `Startup failed: log says "invalid credentials for ${fakeAwsKey}"`,
        recommendedAction: 'restart',
        urgency: 'high',
        confidence: 80,
        reasoning: 'The process exited right after reading its credentials.',
        source: 'rules',
      },
      actionsTaken: ['restart'],
      autoHealed: kind === 'incident_resolved',
      escalationReason: null,
    },
    ...(kind === 'approval_required'
      ? {
          approval: {
            id: 'appr-1',
            host: 'host-a',
            incidentId: 'inc-1',
            containerId: 'c0ffee',
            containerName: 'web-1',
            action: 'recreate',
            reason: 'restart budget used up',
            status: 'pending' as const,
            requestedAt: openedAt + 1_000,
            decidedAt: null,
            decidedBy: null,
          },
        }
      : {}),
  };
}
