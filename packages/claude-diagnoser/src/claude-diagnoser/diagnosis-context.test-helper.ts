// Shared by this package's tests: a DiagnosisContext for a container that crashed.
import type { ContainerDetails, DiagnosisContext, HealthVerdict } from '@website-monitor/core';
import { openIncident } from '@website-monitor/core/internal';

export function crashedContainerContext(
  options: {
    readonly name?: string;
    readonly image?: string;
    readonly exitCode?: number;
    readonly logTail?: readonly string[];
    readonly errorLines?: readonly string[];
    readonly env?: readonly string[];
    readonly incidentId?: string;
  } = {},
): DiagnosisContext {
  const name = options.name ?? 'web';
  const exitCode = options.exitCode ?? 1;
  const verdict: HealthVerdict = {
    containerId: `id-${name}`,
    containerName: name,
    checkedAt: 1_000,
    healthy: false,
    status: 'unhealthy',
    problems: [{ kind: 'container_stopped', message: `${name} exited with code ${exitCode}` }],
    metrics: {
      state: 'exited',
      exitCode,
      oomKilled: false,
      dockerHealth: 'none',
      restartCount: 0,
      httpStatus: undefined,
      responseTimeMs: undefined,
      memoryBytes: undefined,
      memoryLimitBytes: undefined,
      memoryPercent: undefined,
      cpuPercent: undefined,
    },
  };
  const container: ContainerDetails = {
    id: `id-${name}`,
    name,
    image: options.image ?? 'acme/web:1.4.2',
    state: 'exited',
    labels: {},
    imageId: 'sha256:abc',
    exitCode,
    oomKilled: false,
    restartCount: 0,
    startedAt: '2026-11-28T05:00:00.000Z',
    finishedAt: '2026-11-28T05:10:00.000Z',
    error: '',
    health: { status: 'none', failingStreak: 0, log: [] },
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    networkMode: 'bridge',
    ports: [],
    env: options.env ?? ['NODE_ENV=production'],
  };
  return {
    incident: openIncident({ id: options.incidentId ?? 'inc-1', host: 'host-a', verdict, now: 1_000 }),
    container,
    verdict,
    dependencies: {},
    recentRestarts: 0,
    logTail: options.logTail ?? ['listening on :8080', 'Error: connect ECONNRESET 10.0.0.7:5432'],
    ...(options.errorLines ? { errorLines: options.errorLines } : {}),
  };
}
