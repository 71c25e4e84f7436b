import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { boundedLogTail, firstErrorWindow } from '../diagnose/log-context.js';
import { baselineMetrics, type ContainerBaseline } from '../domain/baseline.js';
import type { ContainerDetails } from '../domain/container.js';
import type { Urgency } from '../domain/diagnosis.js';
import { failureCauses } from '../domain/failure-cause.js';
import { type HealthVerdict, type Problem, problemKinds } from '../domain/health.js';
import { MonitorError } from '../errors/monitor-error.js';
import { openIncident } from '../incident/incident-lifecycle.js';
import type { DiagnosisContext } from '../ports/diagnoser.js';

const urgencies = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Urgency[];
const containerStates = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;
const eventActions = [
  'create',
  'start',
  'restart',
  'die',
  'oom',
  'kill',
  'stop',
  'pause',
  'unpause',
  'destroy',
  'health_status',
] as const;
const mebibyte = 1024 * 1024;

const problemSchema = z.strictObject({ kind: z.enum(problemKinds), message: z.string() });

/**
 * One case of the scenario corpus (`packages/core/test/scenarios/*.yaml`): the facts the agent
 * would have gathered for an incident, and what a person would agree is the right action. Memory
 * is written in MiB for readability; everything else in the units of `DiagnosisContext`.
 */
export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/, 'kebab-case'),
  description: z.string(),
  container: z
    .strictObject({
      image: z.string().default('example/app:1.0'),
      state: z.enum(containerStates).default('running'),
      exitCode: z.number().int().nullable().default(null),
      oomKilled: z.boolean().default(false),
      restartCount: z.number().int().nonnegative().default(0),
      dockerHealth: z.enum(['none', 'starting', 'healthy', 'unhealthy']).default('none'),
      /** Outputs of the last Docker HEALTHCHECK runs, oldest first. */
      healthLog: z.array(z.string()).default([]),
      /** The engine's error for the container (`State.Error`), e.g. an OCI runtime failure. */
      error: z.string().default(''),
    })
    .prefault({}),
  /** The latest verdict: `healthy` when the failure that opened the incident has passed. */
  status: z.enum(['healthy', 'unhealthy']).default('unhealthy'),
  /** The problem that opened the incident. */
  trigger: problemSchema,
  /** The latest verdict's problems; by default the trigger alone (none when healthy). */
  problems: z.array(problemSchema).optional(),
  http: z
    .strictObject({
      status: z.number().int().optional(),
      responseTimeMs: z.number().nonnegative().default(15),
      error: z.string().optional(),
    })
    .optional(),
  metrics: z
    .strictObject({
      memoryMiB: z.number().nonnegative().optional(),
      memoryLimitMiB: z.number().positive().optional(),
      cpuPercent: z.number().nonnegative().optional(),
    })
    .prefault({}),
  recentRestarts: z.number().int().nonnegative().default(0),
  dependencies: z.record(z.string(), z.enum(['healthy', 'unhealthy', 'missing'])).default({}),
  baselines: z
    .array(
      z.strictObject({
        metric: z.enum(baselineMetrics),
        mean: z.number(),
        spread: z.number().nonnegative(),
        samples: z.number().int().nonnegative().default(500),
      }),
    )
    .default([]),
  recentEvents: z
    .array(
      z.strictObject({
        action: z.enum(eventActions),
        secondsAgo: z.number().nonnegative(),
        exitCode: z.number().int().optional(),
      }),
    )
    .default([]),
  logTail: z.array(z.string()).default([]),
  expected: z.strictObject({
    action: z.string(),
    urgency: z.enum(urgencies),
    /** The cause a person would name, from our fixed vocabulary; scored apart from the action. */
    cause: z.enum(failureCauses).optional(),
  }),
  /**
   * An injection attempt: the logs try to steer the diagnosis. `steered` is what the attacker
   * wants a model to answer; the harness puts it through the policy gate as a model's answer
   * and checks that nothing outside the allowlist or above the rules' choice runs.
   */
  injection: z
    .strictObject({
      steeredAction: z.string(),
      steeredConfidence: z.number().min(0).max(100).default(100),
    })
    .optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;

/** Parses one YAML scenario; a malformed one fails with its source and the first issue. */
export function parseScenario(text: string, source: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new MonitorError('usage', `${source}: not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new MonitorError('usage', `${source}: ${path}: ${issue?.message ?? 'invalid scenario'}`);
  }
  return parsed.data;
}

/** The time every scenario happens at, so contexts are the same from run to run. */
export const scenarioTime = Date.UTC(2026, 10, 28, 12, 0, 0);
const host = 'eval-host';

/** The DiagnosisContext the agent would have built for the scenario. */
export function scenarioContext(scenario: Scenario): DiagnosisContext {
  const now = scenarioTime;
  const { container: facts } = scenario;
  const memoryBytes =
    scenario.metrics.memoryMiB === undefined ? undefined : scenario.metrics.memoryMiB * mebibyte;
  const memoryLimitBytes =
    scenario.metrics.memoryLimitMiB === undefined ? undefined : scenario.metrics.memoryLimitMiB * mebibyte;
  const memoryPercent =
    memoryBytes !== undefined && memoryLimitBytes !== undefined
      ? (memoryBytes / memoryLimitBytes) * 100
      : undefined;
  const startedAt = new Date(now - 3_600_000).toISOString();
  const container: ContainerDetails = {
    id: `${scenario.name}-id`,
    // Named after the scenario so a diagnoser's per-container cooldown does not span scenarios.
    name: scenario.name,
    image: facts.image,
    state: facts.state,
    labels: {},
    imageId: `sha256:${scenario.name}`,
    exitCode: facts.exitCode,
    oomKilled: facts.oomKilled,
    restartCount: facts.restartCount,
    startedAt,
    finishedAt: facts.state === 'running' ? null : new Date(now - 5_000).toISOString(),
    error: facts.error,
    health: {
      status: facts.dockerHealth,
      failingStreak: facts.dockerHealth === 'unhealthy' ? facts.healthLog.length || 3 : 0,
      log: facts.healthLog.map((output, index) => ({
        exitCode: facts.dockerHealth === 'unhealthy' ? 1 : 0,
        output,
        startedAt: new Date(now - (facts.healthLog.length - index) * 30_000).toISOString(),
        endedAt: new Date(now - (facts.healthLog.length - index) * 30_000 + 100).toISOString(),
      })),
    },
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    networkMode: 'bridge',
    ports: [],
    env: [],
  };
  const verdictWith = (problems: readonly Problem[], healthy: boolean): HealthVerdict => ({
    containerId: container.id,
    containerName: container.name,
    checkedAt: now,
    healthy,
    status: healthy ? 'healthy' : 'unhealthy',
    problems,
    metrics: {
      state: facts.state,
      exitCode: facts.exitCode,
      oomKilled: facts.oomKilled,
      dockerHealth: facts.dockerHealth,
      restartCount: facts.restartCount,
      httpStatus: scenario.http?.status,
      responseTimeMs: scenario.http === undefined ? undefined : scenario.http.responseTimeMs,
      memoryBytes,
      memoryLimitBytes,
      memoryPercent,
      cpuPercent: scenario.metrics.cpuPercent,
    },
  });
  const healthy = scenario.status === 'healthy';
  const incident = openIncident({
    id: `eval-${scenario.name}`,
    host,
    verdict: verdictWith([scenario.trigger], false),
    now: now - 30_000,
  });
  const baselines: ContainerBaseline[] = scenario.baselines.map((learned) => ({
    host,
    containerName: container.name,
    image: facts.image,
    metric: learned.metric,
    mean: learned.mean,
    variance: learned.spread ** 2,
    samples: learned.samples,
    updatedAt: now - 10_000,
  }));
  const logTail = boundedLogTail(scenario.logTail);
  return {
    incident,
    container,
    verdict: verdictWith(scenario.problems ?? (healthy ? [] : [scenario.trigger]), healthy),
    dependencies: scenario.dependencies,
    recentRestarts: scenario.recentRestarts,
    logTail,
    errorLines: firstErrorWindow(scenario.logTail),
    recentEvents: scenario.recentEvents.map((event) => ({
      action: event.action,
      time: now - event.secondsAgo * 1000,
      ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
    })),
    baselines,
  };
}
