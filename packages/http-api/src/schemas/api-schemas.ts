import { failureCauses, problemKinds } from '@website-monitor/core';
import { z } from 'zod';

/**
 * Every schema the API validates with or answers with. The same objects feed `/openapi.json`
 * (through `apiSchemaRegistry`), so the document cannot drift from what the server enforces.
 */
export const apiSchemaRegistry = z.registry<{ id: string; description?: string }>();

/**
 * Docker's container name grammar (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`, an optional leading slash
 * dropped), which also covers full and short hex ids. Anything else never reaches the agent.
 */
export const containerNameSchema = z
  .string()
  .min(2)
  .max(255)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'not a Docker container name or id')
  .describe('A container name or id (Docker grammar: [a-zA-Z0-9][a-zA-Z0-9_.-]+)');

export const approvalIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:-]*$/, 'not an approval id')
  .describe('An approval request id, as listed by GET /monitor/approvals');

export const actionNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'not an action name')
  .describe('A registered healing action, e.g. restart_container');

/**
 * The most any read may ask for, whatever the query string: the store answers each read with one
 * bounded query (the limit and the aggregation are in the SQL), and these caps bound that query.
 * Asking for more is a 400 naming the field, never a silently larger read.
 */
export const apiReadLimits = {
  /** 366 days: incidents are few and kept by `storage.incident_retention_days`. */
  incidentsMaxHours: 24 * 366,
  incidentsMaxLimit: 1000,
  /** 31 days: the default `storage.retention_days` (30) and a day to spare. */
  metricsMaxHours: 24 * 31,
  /** Raw samples in one answer (~600 bytes each); longer views use `summary` and `buckets`. */
  metricsMaxLimit: 1000,
  /** Points of the `buckets` series: one a minute over a day, one every ~31 minutes over 31 days. */
  metricsMaxBuckets: 1440,
} as const;

/** A whole number in [min, max], with messages that say the bound rather than zod's generic ones. */
const boundedCount = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const boundedHours = (max: number, days: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .positive('must be above 0')
    .max(max, `must be at most ${max} (${days} days)`);

export const incidentsQuerySchema = z.object({
  hours: boundedHours(apiReadLimits.incidentsMaxHours, 366)
    .default(24)
    .describe(`How far back to look, in hours (default 24, at most ${apiReadLimits.incidentsMaxHours})`),
  container: containerNameSchema.optional().describe('Only incidents of this container name'),
  limit: boundedCount(1, apiReadLimits.incidentsMaxLimit)
    .default(200)
    .describe(`At most this many, newest first (default 200, at most ${apiReadLimits.incidentsMaxLimit})`),
});

export const containerMetricsQuerySchema = z.object({
  hours: boundedHours(apiReadLimits.metricsMaxHours, 31)
    .default(1)
    .describe(
      `How far back to return health samples and their summary, in hours (default 1, at most ${apiReadLimits.metricsMaxHours})`,
    ),
  limit: boundedCount(1, apiReadLimits.metricsMaxLimit)
    .default(500)
    .describe(
      `At most this many samples, the newest (default 500, at most ${apiReadLimits.metricsMaxLimit})`,
    ),
  buckets: boundedCount(1, apiReadLimits.metricsMaxBuckets)
    .optional()
    .describe(
      `Also answer \`series\`: the window in about this many buckets of whole minutes (at most ${apiReadLimits.metricsMaxBuckets}), aggregated by the database`,
    ),
});

const reasonSchema = z.string().trim().min(1).max(1000);

/** What a heal request sent without a reason is recorded with. */
export const defaultHealReason = 'manual request via API';

export const healRequestSchema = z
  .strictObject({
    reason: reasonSchema
      .default(defaultHealReason)
      .describe(`Why a person asks for this; recorded with the action ("${defaultHealReason}" when absent)`),
    action: actionNameSchema.optional().describe('Defaults to restart_container'),
  })
  .register(apiSchemaRegistry, {
    id: 'HealRequest',
    description: 'Optional: no body, an empty body and {} all ask for restart_container',
  });

export const approveRequestSchema = z
  .strictObject({})
  .register(apiSchemaRegistry, { id: 'ApproveRequest', description: 'An empty object (or no body)' });

export const rejectRequestSchema = z
  .strictObject({ reason: reasonSchema.optional().describe('Why, recorded on the escalated incident') })
  .register(apiSchemaRegistry, { id: 'RejectRequest' });

// ---- responses ---------------------------------------------------------------------------------

export const errorResponseSchema = z
  .object({
    error: z.looseObject({
      code: z.string().describe('bad_request, unauthorized, forbidden, not_found, conflict, ...'),
      message: z.string(),
    }),
  })
  .register(apiSchemaRegistry, { id: 'Error' });

const problemSchema = z.object({ kind: z.enum(problemKinds), message: z.string() });
const epochMs = z.number().describe('Milliseconds since the Unix epoch');

const healthMetricsSchema = z.object({
  state: z.string(),
  exitCode: z.number().nullable(),
  oomKilled: z.boolean(),
  dockerHealth: z.string(),
  restartCount: z.number(),
  httpStatus: z.number().optional(),
  responseTimeMs: z.number().optional(),
  memoryBytes: z.number().optional(),
  memoryLimitBytes: z.number().optional(),
  memoryPercent: z.number().optional(),
  cpuPercent: z.number().optional(),
});

const healthStatusSchema = z.enum(['healthy', 'unhealthy', 'starting', 'stopped_by_operator', 'paused']);

export const healthVerdictSchema = z
  .object({
    containerId: z.string(),
    containerName: z.string(),
    checkedAt: epochMs,
    healthy: z.boolean(),
    status: healthStatusSchema,
    problems: z.array(problemSchema),
    metrics: healthMetricsSchema,
  })
  .register(apiSchemaRegistry, { id: 'HealthVerdict' });

export const healthSampleSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    containerId: z.string(),
    containerName: z.string(),
    checkedAt: epochMs,
    healthy: z.boolean(),
    status: healthStatusSchema,
    problems: z.array(problemSchema),
    metrics: healthMetricsSchema,
  })
  .register(apiSchemaRegistry, { id: 'HealthSample' });

export const diagnosisSchema = z
  .object({
    diagnosis: z.string(),
    cause: z
      .enum(failureCauses)
      .optional()
      .describe('The cause in a fixed vocabulary; it picks the healing plan'),
    recommendedAction: z.string(),
    urgency: z.enum(['low', 'medium', 'high', 'critical']),
    confidence: z.number().min(0).max(100),
    reasoning: z.string(),
    source: z.enum(['rules', 'model', 'person']),
    usage: z
      .object({
        inputTokens: z.number(),
        outputTokens: z.number(),
        cacheReadTokens: z.number().optional(),
        cacheCreationTokens: z.number().optional(),
      })
      .optional(),
    fallbackReason: z.string().optional().describe('Why the rules stood in for the configured diagnoser'),
  })
  .register(apiSchemaRegistry, { id: 'Diagnosis' });

const incidentHistoryEntrySchema = z.discriminatedUnion('kind', [
  z.object({ at: epochMs, kind: z.literal('diagnosed'), diagnosis: diagnosisSchema }),
  z.object({ at: epochMs, kind: z.literal('reopened'), resolvedAt: epochMs.nullable(), problem: z.string() }),
]);

export const incidentSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    containerId: z.string(),
    containerName: z.string(),
    trigger: z.enum(problemKinds),
    problems: z.array(problemSchema),
    status: z.enum(['open', 'diagnosing', 'healing', 'awaiting_approval', 'resolved', 'escalated']),
    openedAt: epochMs,
    updatedAt: epochMs,
    resolvedAt: epochMs.nullable(),
    exitCode: z.number().nullable(),
    oomKilled: z.boolean(),
    diagnosis: diagnosisSchema.nullable(),
    actionsTaken: z.array(z.string()),
    autoHealed: z.boolean(),
    escalationReason: z.string().nullable(),
    history: z
      .array(incidentHistoryEntrySchema)
      .optional()
      .describe('Every diagnosis it was given and every reopening, oldest first'),
    reopenCount: z.number().int().optional().describe('How often the failure came back and reopened it'),
  })
  .register(apiSchemaRegistry, { id: 'Incident' });

export const healingActionSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    incidentId: z.string(),
    containerId: z.string(),
    containerName: z.string(),
    action: z.string(),
    reason: z.string(),
    decidedBy: z.enum(['rule', 'model', 'person']),
    result: z.enum(['pending', 'succeeded', 'failed', 'skipped', 'dry_run']),
    startedAt: epochMs,
    durationMs: z.number().nullable(),
    detail: z.string().nullable(),
    error: z.string().nullable(),
  })
  .register(apiSchemaRegistry, { id: 'HealingAction' });

export const approvalSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    incidentId: z.string(),
    containerId: z.string(),
    containerName: z.string(),
    action: z.string(),
    reason: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    requestedAt: epochMs,
    decidedAt: epochMs.nullable(),
    decidedBy: z.string().nullable(),
    params: z
      .object({
        thresholdPercent: z.number().optional(),
        script: z.string().optional(),
        timeoutSeconds: z.number().optional(),
        maxAttempts: z.number().optional(),
        backoffSeconds: z.number().optional(),
      })
      .optional()
      .describe('the settings the step runs with once approved, as it was queued; absent for a bare step'),
  })
  .register(apiSchemaRegistry, { id: 'Approval' });

export const baselineSchema = z
  .object({
    host: z.string(),
    containerName: z.string(),
    image: z.string(),
    metric: z.string(),
    mean: z.number(),
    variance: z.number(),
    samples: z.number(),
    updatedAt: epochMs,
  })
  .register(apiSchemaRegistry, { id: 'Baseline' });

export const containerStatusSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    monitored: z.boolean(),
    state: z.string().nullable().describe('Docker state at the last check'),
    health: healthStatusSchema.nullable(),
    lastCheckAt: epochMs.nullable(),
    verdict: healthVerdictSchema.nullable(),
    incident: incidentSchema.nullable(),
    restartsLeft: z.number().nullable().describe('Restarts left in the hourly budget'),
    critical: z
      .boolean()
      .describe('Marked `critical: true`: restarts go first, incidents are at least high urgency'),
    host: z.string().describe('The host the container runs on'),
  })
  .register(apiSchemaRegistry, { id: 'ContainerStatus' });

export const statusResponseSchema = z
  .object({
    host: z.string().describe('The host asked for (`?host=`), or `*` for every host'),
    generatedAt: epochMs,
    source: z
      .enum(['agent', 'store', 'fleet'])
      .describe(
        "`agent`: this agent's host, live; `store`: another host, each container's newest sample of the last 10 minutes and its open incident; `fleet`: `?host=*`",
      ),
    lastSeenAt: z
      .string()
      .nullable()
      .optional()
      .describe("With `source: store`: the host's last report (ISO 8601), null when it never reported"),
    reporting: z.boolean().optional().describe('With `source: store`: whether the host still reports'),
    containers: z.array(containerStatusSchema),
  })
  .register(apiSchemaRegistry, { id: 'StatusResponse' });

export const incidentsResponseSchema = z
  .object({ since: epochMs, incidents: z.array(incidentSchema) })
  .register(apiSchemaRegistry, { id: 'IncidentsResponse' });

const metricSummarySchema = z
  .object({
    count: z.number().describe('Samples that carried the metric'),
    avg: z.number(),
    min: z.number(),
    max: z.number(),
  })
  .nullable()
  .describe('null when no sample in the span carried the metric');

const healthAggregateShape = {
  samples: z.number(),
  unhealthy: z.number().describe('Samples whose verdict was not healthy'),
  responseTimeMs: metricSummarySchema,
  cpuPercent: metricSummarySchema,
  memoryPercent: metricSummarySchema,
  memoryBytes: metricSummarySchema,
};

export const healthSummarySchema = z
  .object({
    from: epochMs.describe('Start of the window: `since` rounded down to the minute'),
    ...healthAggregateShape,
  })
  .register(apiSchemaRegistry, {
    id: 'HealthSummary',
    description: 'Every sample of the window (not only the `limit` returned), aggregated by the database',
  });

export const healthBucketSchema = z
  .object({ start: epochMs, ...healthAggregateShape })
  .register(apiSchemaRegistry, { id: 'HealthBucket' });

export const containerMetricsResponseSchema = z
  .object({
    container: z.string(),
    host: z.string().describe("The host whose records these are (`?host=`, or this agent's)"),
    since: epochMs,
    samples: z.array(healthSampleSchema).describe('The newest `limit` samples of the window, oldest first'),
    baselines: z.array(baselineSchema),
    summary: healthSummarySchema,
    series: z
      .object({
        bucketSeconds: z.number().describe('Width of each bucket: a whole number of minutes'),
        buckets: z.array(healthBucketSchema).describe('Buckets that hold samples, oldest first'),
      })
      .optional()
      .describe('Only when `buckets` was asked for'),
  })
  .register(apiSchemaRegistry, { id: 'ContainerMetricsResponse' });

export const healingOutcomeSchema = z
  .object({
    kind: z.enum(['act', 'wait', 'ask_approval', 'escalate', 'skip', 'manual']),
    reason: z.string(),
    changed: z.boolean(),
  })
  .register(apiSchemaRegistry, { id: 'HealingOutcome' });

export const approvalsResponseSchema = z
  .object({ approvals: z.array(approvalSchema) })
  .register(apiSchemaRegistry, { id: 'ApprovalsResponse' });

export const healthzResponseSchema = z
  .object({
    ok: z.boolean(),
    status: z
      .enum(['ok', 'degraded', 'failing'])
      .describe(
        'degraded (200): still watching and healing, but `warnings` needs a person; failing (503): see `problems`',
      ),
    engineConnected: z.boolean().nullable().describe('null until the agent has reported its engine state'),
    engineError: z.string().nullable(),
    lastCheckAt: epochMs.nullable(),
    lastCheckAgeSeconds: z.number().nullable(),
    maxCheckAgeSeconds: z.number(),
    monitoredContainers: z.number(),
    problems: z.array(z.string()),
    warnings: z.array(z.string()).describe('why the agent is degraded, e.g. its spool disk is full'),
    role: z
      .enum(['active', 'standby'])
      .describe(
        'active: this agent acts on its Docker engine; standby: another agent does, and this one takes over when it goes away',
      ),
    engineId: z
      .string()
      .nullable()
      .describe("the Docker engine's ID the lease is keyed by; null when unknown"),
    leaseTerm: z
      .number()
      .nullable()
      .describe('active: the lease term, which counts changes of holder (a takeover shows as a new term)'),
    activeAgent: z
      .object({
        hostName: z.string(),
        pid: z.number(),
        startedAt: epochMs,
        where: z
          .string()
          .describe('the place that names it: the lock file, the SQLite store or the PostgreSQL database'),
      })
      .nullable()
      .describe('standby: the agent it waits on, as the lease names it'),
  })
  .register(apiSchemaRegistry, { id: 'Healthz' });
