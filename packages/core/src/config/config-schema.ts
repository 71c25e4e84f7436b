import { z } from 'zod';
import { normalizeActionName, serviceActionNames } from '../domain/action.js';
import { failureCauses } from '../domain/failure-cause.js';
import { problemKinds } from '../domain/health.js';
import { hostNameProblem } from '../domain/host-report.js';
import { isAllowedHostPattern } from './allowed-host.js';
import { parseByteSize } from './byte-size.js';
import { closestName } from './did-you-mean.js';
import { parseExpectedStatus } from './expected-status.js';
import { describeNonPostgresUrl } from './storage-url.js';

/**
 * The YAML schema, snake_case as the seed wrote it. Every key is optional here: defaults live in
 * one place (`defaultMonitorConfig`) and are applied when normalizing. Objects are strict so a
 * misspelt key is an error instead of a silently ignored setting.
 */
export function createConfigSchema(options: { knownActions: readonly string[] }) {
  // A Swarm service's actions are known whatever the registry holds: they are not strategies.
  const knownActions = [...new Set([...options.knownActions, ...serviceActionNames])];
  const actionName = z
    .string()
    .superRefine((name, context) => {
      const normalized = normalizeActionName(name);
      if (knownActions.includes(normalized)) return;
      const suggestion = closestName(normalized, knownActions);
      context.addIssue({
        code: 'custom',
        message: `unknown action "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known: ${knownActions.join(', ')}`,
      });
    })
    .transform(normalizeActionName);

  const httpUrl = z.string().superRefine((value, context) => {
    if (!isHttpUrl(value)) {
      context.addIssue({ code: 'custom', message: `expected an http:// or https:// URL, got "${value}"` });
    }
  });

  const expectedStatus = z.unknown().transform((value, context) => {
    const result = parseExpectedStatus(value);
    if (result.ok) return result.codes;
    context.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });

  // `url: ${DATABASE_URL:-}` reads as null or "" when the variable is unset: no URL, use SQLite.
  const storageUrl = z.preprocess(
    (value) => (value === null || value === '' ? undefined : value),
    z
      .string()
      .superRefine((value, context) => {
        const problem = describeNonPostgresUrl(value);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  );

  const byteSize = z.unknown().transform((value, context) => {
    const result = parseByteSize(value);
    if (result.ok) return result.bytes;
    context.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });

  const positiveSeconds = z.number().positive();
  const positiveCount = z.int().positive();
  // null switches a threshold off, e.g. for one container when the defaults set it.
  const percent = z.number().gt(0).max(100).nullable();

  const checkSettings = {
    check_interval_seconds: positiveSeconds.optional(),
    probe_interval_seconds: positiveSeconds.optional(),
    confirm_interval_seconds: positiveSeconds.optional(),
    expected_status: expectedStatus.optional(),
    failure_threshold: positiveCount.optional(),
    success_threshold: positiveCount.optional(),
    start_period_seconds: z.number().min(0).optional(),
    memory_percent_threshold: percent.optional(),
    cpu_percent_threshold: percent.optional(),
    response_time_ms_threshold: z.number().positive().nullable().optional(),
    max_restarts_per_hour: z.int().min(0).optional(),
    auto_restart: z.boolean().optional(),
    critical: z.boolean().optional(),
  };

  const container = z.strictObject({
    name: z
      .string()
      .regex(
        /^\/?[A-Za-z0-9][A-Za-z0-9_.-]*$/,
        'expected a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)',
      )
      .transform((name) => name.replace(/^\//, '')),
    health_endpoint: httpUrl.optional(),
    depends_on: z.array(z.string().min(1)).optional(),
    ignore: z.boolean().optional(),
    stop_timeout_seconds: z.number().min(0).optional(),
    ...checkSettings,
  });

  const step = z
    .strictObject({
      action: actionName,
      max_attempts: positiveCount.optional(),
      backoff_seconds: z.number().min(0).optional(),
      threshold_percent: z.number().gt(0).max(100).optional(),
      script: z.string().optional(),
      timeout_seconds: positiveSeconds.optional(),
    })
    .superRefine((value, context) => {
      if (value.action === 'custom_script') {
        if (value.script === undefined) {
          context.addIssue({
            code: 'custom',
            path: ['script'],
            message: 'custom_script needs `script`, an absolute path',
          });
        } else if (!value.script.startsWith('/')) {
          context.addIssue({
            code: 'custom',
            path: ['script'],
            message: `script must be an absolute path, got "${value.script}"`,
          });
        }
      } else if (value.script !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['script'],
          message: `only custom_script takes a script, not ${value.action}`,
        });
      }
    });

  const steps = nullAsEmptyList(z.array(step)).optional();
  const strategies = z.strictObject(
    Object.fromEntries(problemKinds.map((kind) => [kind, steps])) as Record<
      (typeof problemKinds)[number],
      typeof steps
    >,
  );
  // Keyed by diagnosed cause: replaces the built-in plan for that cause (remedies, then the trigger's steps).
  const causePlans = z.strictObject(
    Object.fromEntries(failureCauses.map((cause) => [cause, steps])) as Record<
      (typeof failureCauses)[number],
      typeof steps
    >,
  );

  // `host:`: the name this agent records under; unset = the Docker engine's name.
  const hostName = z.string().superRefine((value, context) => {
    const problem = hostNameProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

  return z.strictObject({
    host: hostName.optional(),
    hosts: section({
      report_interval: z.number().min(1).max(3600).optional(),
    }),
    monitoring: section({
      interval_seconds: positiveSeconds.optional(),
      health_check_timeout: positiveSeconds.optional(),
      discovery: z.enum(['all', 'listed', 'labelled']).optional(),
      enable_label: z
        .string()
        .max(128)
        .regex(
          labelNamePattern,
          'expected a label name such as autoheal or com.example.heal ([A-Za-z0-9._/-])',
        )
        .optional(),
      max_concurrent_checks: positiveCount.optional(),
      trust_labels: z.boolean().optional(),
      defaults: section(checkSettings),
      containers: nullAsEmptyList(z.array(container)).optional(),
    }),
    healing: section({
      auto_heal_enabled: z.boolean().optional(),
      dry_run: z.boolean().optional(),
      auto_fix_actions: nullAsEmptyList(z.array(actionName)).optional(),
      manual_approval_required: nullAsEmptyList(z.array(actionName)).optional(),
      strategies: z.preprocess(nullAsUndefined, strategies.optional()),
      min_confidence: z.number().min(0).max(100).optional(),
      stop_timeout_seconds: z.number().min(0).optional(),
      max_concurrent_restarts: positiveCount.optional(),
      storm_concurrent_restarts: positiveCount.optional(),
      backoff_initial_seconds: positiveSeconds.optional(),
      backoff_max_seconds: positiveSeconds.optional(),
      respect_operator_stops: z.boolean().optional(),
      restart_dependents: z.boolean().optional(),
      restart_policy_grace_seconds: z.number().min(0).optional(),
      cause_plans: z.preprocess(nullAsUndefined, causePlans.optional()),
      resolve_after_seconds: z.number().min(0).optional(),
      reopen_window_seconds: z.number().min(0).optional(),
      dependency_wait_seconds: z.number().min(0).optional(),
      swarm: section({
        enabled: z.boolean().optional(),
        task_failures: positiveCount.optional(),
        failure_window_seconds: positiveSeconds.optional(),
        recent_update_seconds: positiveSeconds.optional(),
        failed_update: nullAsEmptyList(z.array(z.enum(serviceActionNames))).optional(),
        failing_tasks: nullAsEmptyList(z.array(z.enum(serviceActionNames))).optional(),
      }),
    }),
    claude: section({
      enabled: z.boolean().optional(),
      model: z.string().min(1).optional(),
      use_for_diagnosis: z.boolean().optional(),
      diagnosis_wait_seconds: z.number().min(0).max(600).optional(),
    }),
    storage: section({
      url: storageUrl,
      path: z.string().min(1).optional(),
      retention_days: z.number().positive().optional(),
      incident_retention_days: z.number().positive().optional(),
      spool_path: z.string().min(1).optional(),
      spool_max_bytes: byteSize.optional(),
    }),
    agent: section({
      standby: z.boolean().optional(),
    }),
    api: section({
      allowed_hosts: nullAsEmptyList(
        z.array(
          z.string().refine(isAllowedHostPattern, {
            message: 'expected a host name, *.domain, an IP address or *',
          }),
        ),
      ).optional(),
    }),
    notifications: section({
      enabled: z.boolean().optional(),
      webhooks: nullAsEmptyList(
        z
          .array(
            z
              .strictObject({
                name: z.string().min(1).optional(),
                type: z.enum(['json', 'slack']),
                url: httpUrl,
                kinds: z
                  .array(
                    z.enum([
                      'incident_opened',
                      'incident_resolved',
                      'incident_escalated',
                      'approval_required',
                    ]),
                  )
                  .min(1)
                  .optional(),
                headers: z.record(z.string(), z.string()).optional(),
                timeout_ms: z.int().positive().optional(),
                retries: z.int().min(0).max(10).optional(),
                text_key: z
                  .string()
                  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'expected a JSON key such as text, content or body')
                  .refine((key) => !jsonPayloadKeys.includes(key), {
                    message: `must not be one of the payload's own keys (${jsonPayloadKeys.join(', ')})`,
                  })
                  .optional(),
                triggers: z.array(z.enum(problemKinds)).min(1).optional(),
              })
              .refine((webhook) => webhook.text_key === undefined || webhook.type === 'json', {
                message: 'text_key is for type: json (a slack webhook already sends text)',
                path: ['text_key'],
              }),
          )
          .optional(),
      ),
    }),
  });
}

/** A Docker label name as `monitoring.enable_label` takes it: no `=`, spaces or quotes. */
const labelNamePattern = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** Top-level keys of the JSON webhook bodies (incident and agent alert): `text_key` may not take one. */
const jsonPayloadKeys = [
  'kind',
  'message',
  'critical',
  'incident',
  'approval',
  'host',
  'sent_at',
  'agent_alert',
  'at',
  'details',
];

export type RawMonitorConfig = z.output<ReturnType<typeof createConfigSchema>>;

/** `healing:` with nothing under it is YAML null; it means "all defaults", like leaving it out. */
function section<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.preprocess(nullAsUndefined, z.strictObject(shape).optional());
}

function nullAsEmptyList<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess((value) => (value === null ? [] : value), schema);
}

function nullAsUndefined(value: unknown): unknown {
  return value === null ? undefined : value;
}

export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}
