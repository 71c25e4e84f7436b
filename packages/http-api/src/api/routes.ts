import { z } from 'zod';
import {
  apiReadLimits,
  approvalIdSchema,
  approvalsResponseSchema,
  approveRequestSchema,
  containerMetricsResponseSchema,
  containerNameSchema,
  defaultHealReason,
  healingOutcomeSchema,
  healRequestSchema,
  healthzResponseSchema,
  incidentsResponseSchema,
  rejectRequestSchema,
  statusResponseSchema,
} from '../schemas/api-schemas.js';
import {
  approvalsQuerySchema,
  containerMetricsHostQuerySchema,
  hostsResponseSchema,
  incidentsHostQuerySchema,
  statusQuerySchema,
  writeHostQuerySchema,
} from '../schemas/host-schemas.js';

/** Who may call a route: `open` always, `read` (a token beyond loopback), `write` (always a token). */
export type RouteAccess = 'open' | 'read' | 'write';

export type RouteId =
  | 'status'
  | 'hosts'
  | 'incidents'
  | 'containerMetrics'
  | 'heal'
  | 'approvals'
  | 'approve'
  | 'reject'
  | 'healthz'
  | 'openapi'
  | 'metrics'
  | 'events';

/** One route: its path template, what it validates and what it answers. The router and the OpenAPI document both read this. */
export interface RouteSpec {
  readonly id: RouteId;
  readonly method: 'GET' | 'POST';
  /** `{name}` segments are path parameters. */
  readonly path: string;
  readonly access: RouteAccess;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Status -> zod schema (JSON), or a media type for non-JSON answers. */
  readonly responses: Readonly<
    Record<number, { description: string; schema?: z.ZodType; mediaType?: string }>
  >;
}

const ok = (description: string, schema: z.ZodType) => ({ description, schema });

export const routes: readonly RouteSpec[] = [
  {
    id: 'status',
    method: 'GET',
    path: '/monitor/status',
    access: 'read',
    summary:
      "Every container: state, health, last check, open incident, restart budget left. `?host=` another host: each container's newest sample of the last 10 minutes and its open incident, from the store (`source: store`); `?host=*`: every host",
    query: statusQuerySchema,
    responses: {
      200: ok('Status of every container of the host (or hosts)', statusResponseSchema),
      400: { description: 'A `host` that is not a host name (the message names `query.host`)' },
      404: { description: 'No host of that name is known to the store' },
    },
  },
  {
    id: 'hosts',
    method: 'GET',
    path: '/monitor/hosts',
    access: 'read',
    summary:
      "Every host recording into this agent's database, sorted by host: its engine, role, last report, and whether it still reports (a report older than 3 × this agent's `hosts.report_interval` is not)",
    responses: { 200: ok('The hosts', hostsResponseSchema) },
  },
  {
    id: 'incidents',
    method: 'GET',
    path: '/monitor/incidents',
    access: 'read',
    summary: `Incidents opened in the last \`hours\` (at most ${apiReadLimits.incidentsMaxHours}), newest first, at most \`limit\` (at most ${apiReadLimits.incidentsMaxLimit})`,
    query: incidentsHostQuerySchema,
    responses: {
      200: ok('Incidents', incidentsResponseSchema),
      400: { description: 'A query value out of range; the message names the field (e.g. `query.hours`)' },
      404: { description: 'No host of that name (`?host=`) is known to the store' },
    },
  },
  {
    id: 'containerMetrics',
    method: 'GET',
    path: '/monitor/metrics/container/{name}',
    access: 'read',
    summary: `The newest \`limit\` health samples of the last \`hours\` (at most ${apiReadLimits.metricsMaxHours}) of one container, the summary of all of them and, with \`buckets\`, a series, aggregated by the database; and its learned baselines`,
    params: z.object({ name: containerNameSchema }),
    query: containerMetricsHostQuerySchema,
    responses: {
      200: ok(
        'Samples (oldest first), summary, optional series and baselines',
        containerMetricsResponseSchema,
      ),
      400: {
        description: `A query value out of range; the message names the field (\`hours\` <= ${apiReadLimits.metricsMaxHours}, \`limit\` <= ${apiReadLimits.metricsMaxLimit}, \`buckets\` <= ${apiReadLimits.metricsMaxBuckets})`,
      },
      404: { description: 'No container of that name is known to this monitor, or no such host (`?host=`)' },
    },
  },
  {
    id: 'heal',
    method: 'POST',
    path: '/monitor/heal/{container}',
    access: 'write',
    summary: `Ask for a healing action (restart_container unless \`action\` says otherwise); it runs through the same policy as an automatic heal (budget, backoff, dependencies, approvals). The body is optional: without a \`reason\` the action is recorded as "${defaultHealReason}"`,
    params: z.object({ container: containerNameSchema }),
    query: writeHostQuerySchema,
    body: healRequestSchema,
    responses: {
      200: ok('The policy let the action run (kind `act`)', healingOutcomeSchema),
      202: ok('The action waits for a person (kind `ask_approval`)', healingOutcomeSchema),
      404: { description: 'No such container' },
      409: {
        description:
          "The policy refused (wait, escalate, skip, manual); the error carries the outcome. Or `?host=` names another host: writes act on this agent's own host only",
      },
      422: {
        description: 'Unknown action, or a body field outside its schema (the message names the field)',
      },
      503: { description: 'This agent is a standby: another agent acts on the engine (the error names it)' },
    },
  },
  {
    id: 'approvals',
    method: 'GET',
    path: '/monitor/approvals',
    access: 'read',
    summary: 'Actions waiting for a person, oldest first (`?host=`: those of another host, from the store)',
    query: approvalsQuerySchema,
    responses: {
      200: ok('Pending approval requests', approvalsResponseSchema),
      400: { description: 'A `host` that is not a host name (the message names `query.host`)' },
      404: { description: 'No host of that name is known to the store' },
    },
  },
  {
    id: 'approve',
    method: 'POST',
    path: '/monitor/approvals/{id}/approve',
    access: 'write',
    summary: 'Approve a pending action; it then runs through the policy (budget, dependencies)',
    params: z.object({ id: approvalIdSchema }),
    query: writeHostQuerySchema,
    body: approveRequestSchema,
    responses: {
      200: ok('What became of the approved action', healingOutcomeSchema),
      404: { description: 'No such approval request' },
      409: {
        description:
          "The request was already decided, or `?host=` names another host (writes act on this agent's own host only)",
      },
      503: { description: 'This agent is a standby: another agent acts on the engine (the error names it)' },
    },
  },
  {
    id: 'reject',
    method: 'POST',
    path: '/monitor/approvals/{id}/reject',
    access: 'write',
    summary: 'Reject a pending action; the incident is escalated to people',
    params: z.object({ id: approvalIdSchema }),
    query: writeHostQuerySchema,
    body: rejectRequestSchema,
    responses: {
      200: ok('Rejected', z.object({ rejected: z.literal(true), id: z.string() })),
      404: { description: 'No such approval request' },
      409: {
        description:
          "The request was already decided, or `?host=` names another host (writes act on this agent's own host only)",
      },
      503: { description: 'This agent is a standby: another agent acts on the engine (the error names it)' },
    },
  },
  {
    id: 'healthz',
    method: 'GET',
    path: '/healthz',
    access: 'open',
    summary: 'The agent itself: engine connected and checks recent (200), or not (503)',
    responses: {
      200: ok('Healthy', healthzResponseSchema),
      503: ok('Unhealthy; `problems` says why', healthzResponseSchema),
    },
  },
  {
    id: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    access: 'read',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1 document', mediaType: 'application/json' } },
  },
  {
    id: 'metrics',
    method: 'GET',
    path: '/metrics',
    access: 'read',
    summary: 'Prometheus metrics (text exposition format)',
    responses: { 200: { description: 'Prometheus text format 0.0.4', mediaType: 'text/plain' } },
  },
  {
    id: 'events',
    method: 'GET',
    path: '/monitor/events',
    access: 'read',
    summary:
      'Server-sent events: one `event:` per agent event (incident:opened, healing:result, ...) with JSON data, and heartbeats',
    responses: {
      200: { description: 'text/event-stream', mediaType: 'text/event-stream' },
      503: { description: 'Too many event clients' },
    },
  },
];

/** Finds the route for a method and path; `allowed` lists the methods of a path that exists. */
export function matchRoute(
  method: string,
  pathname: string,
): { route: RouteSpec; params: Record<string, string> } | { route: undefined; allowed: string[] } {
  const segments = pathname.split('/');
  const allowed: string[] = [];
  for (const route of routes) {
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let matches = true;
    for (let index = 0; index < template.length; index++) {
      const part = template[index]!;
      const actual = segments[index]!;
      if (part.startsWith('{') && part.endsWith('}')) {
        let decoded: string;
        try {
          decoded = decodeURIComponent(actual);
        } catch {
          decoded = actual;
        }
        // Validation happens later with the route's schema; an empty segment never matches.
        if (decoded === '') matches = false;
        params[part.slice(1, -1)] = decoded;
      } else if (part !== actual) {
        matches = false;
      }
      if (!matches) break;
    }
    if (!matches) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
    allowed.push(route.method);
  }
  return { route: undefined, allowed };
}
