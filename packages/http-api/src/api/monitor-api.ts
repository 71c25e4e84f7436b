import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type Clock,
  ContainerRuntimeError,
  type ContainerStatus,
  type EngineLeaseRole,
  healthSummaryResolutionMs,
  isHostReporting,
  type Logger,
  type MonitorAgentApi,
  MonitorError,
  silentLogger,
  systemClock,
} from '@website-monitor/core';
import type { z } from 'zod';
import { bearerToken, isLoopbackHost, tokenMatches } from '../auth/bearer-auth.js';
import { createEventStream, type EventStream, type EventStreamOptions } from '../events/event-stream.js';
import { ApiError } from '../http/api-error.js';
import { readJsonBody } from '../http/read-json-body.js';
import { createMonitorMetrics, type MonitorMetrics, type SpoolDepth } from '../metrics/monitor-metrics.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';
import type { healRequestSchema, rejectRequestSchema } from '../schemas/api-schemas.js';
import type {
  approvalsQuerySchema,
  containerMetricsHostQuerySchema,
  incidentsHostQuerySchema,
  statusQuerySchema,
  writeHostQuerySchema,
} from '../schemas/host-schemas.js';
import {
  listFleetHosts,
  refuseOtherHostWrite,
  reportIntervalSeconds,
  resolveHostScope,
  storedStatusLines,
} from './fleet-reads.js';
import { matchRoute, type RouteSpec } from './routes.js';
import { spoolWarning } from './spool-warning.js';

/** The agent to serve, and who may do what. Only `agent` is required. */
export interface MonitorApiOptions {
  /** The running agent (`WebsiteMonitorAgent`, or anything implementing `MonitorAgentApi`). */
  readonly agent: MonitorAgentApi;
  /** The bearer token (`MONITOR_API_TOKEN`). Without one, every write is refused with 403. */
  readonly token?: string;
  /** Recorded as `by` on actions a token holder asks for. Default `api`. */
  readonly tokenOwner?: string;
  /**
   * The address the server listens on. Beyond loopback, reads need the token too (and are
   * refused when none is configured). Default `127.0.0.1`.
   */
  readonly bindHost?: string;
  /** Request bodies above this are refused with 413. Default 16 KiB. */
  readonly maxBodyBytes?: number;
  /** Logs refused and failed requests; silent by default. */
  readonly logger?: Logger;
  /** `systemClock` by default. */
  readonly clock?: Clock;
  /** Share a metrics instance (e.g. one already mounted elsewhere); one is created otherwise. */
  readonly metrics?: MonitorMetrics;
  /**
   * The spool's state: `/healthz` is degraded while it cannot be written, and the
   * `spartan_monitor_spool_*` series come from it when the metrics are created here.
   */
  readonly spool?: SpoolDepth;
  /** Server-sent events tuning (heartbeat, per-client buffer, client limit). */
  readonly events?: Omit<EventStreamOptions, 'agent'>;
  /**
   * This agent's part in its engine's lease (`website-monitor run` passes it): `/healthz` says
   * it, `/metrics` has `spartan_monitor_engine_role` when the metrics are created here, and a
   * standby refuses writes with 503 (the active agent acts; a standby's agent is not running).
   * Without it the agent is taken as active.
   */
  readonly role?: () => EngineLeaseRole;
  /**
   * Answers GET and HEAD requests that no API route matches, e.g. the dashboard's
   * `createDashboardHandler()` from `@website-monitor/dashboard`; it resolves to false to leave
   * the request a 404. Injected, so the API does not depend on the dashboard.
   */
  readonly dashboard?: StaticRequestHandler;
}

/** Serves what the API does not (pages, assets); resolves to true when it answered. */
export type StaticRequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => boolean | Promise<boolean>;

/** The API as a request handler, to mount on a server of your own. */
export interface MonitorApi {
  /** A node:http request listener: `http.createServer(api.handler)` or mount it under another server. */
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  /** Answers one request; resolves when the answer is written (for SSE, when the stream starts). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  readonly metrics: MonitorMetrics;
  readonly events: EventStream;
  /** Ends event streams and stops listening to the agent (metrics created here are closed too). */
  close(): void;
}

const defaultMaxBodyBytes = 16 * 1024;

/**
 * The operator REST API, SSE stream, OpenAPI document and Prometheus metrics as one request
 * handler, for a server of your own; `startMonitorServer` runs it on one of its own.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMonitorApi } from '@website-monitor/http-api';
 *
 * const api = createMonitorApi({ agent, token: process.env.MONITOR_API_TOKEN });
 * createServer(api.handler).listen(9090, '127.0.0.1');
 * ```
 */
export function createMonitorApi(options: MonitorApiOptions): MonitorApi {
  const { agent } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const token = options.token && options.token.length > 0 ? options.token : undefined;
  const by = options.tokenOwner ?? 'api';
  const readsNeedToken = !isLoopbackHost(options.bindHost ?? '127.0.0.1');
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const ownMetrics = options.metrics === undefined;
  const role = options.role ?? ((): EngineLeaseRole => ({ role: 'active' }));
  const metrics =
    options.metrics ??
    createMonitorMetrics({
      agent,
      clock,
      spool: options.spool,
      ...(options.role ? { role: options.role } : {}),
    });
  const events = createEventStream({
    ...options.events,
    agent,
    onDrop: (info) => {
      logger.log('warn', 'api_event_client_dropped', { buffered_bytes: info.bufferedBytes });
      options.events?.onDrop?.(info);
    },
  });
  const engine: { connected: boolean | null; error: string | null } = { connected: null, error: null };
  const onConnection = (state: { readonly connected: boolean; readonly error?: string }) => {
    engine.connected = state.connected;
    engine.error = state.error ?? null;
  };
  // The agent announces its engine state once, possibly before this API existed; a finished
  // check proves the engine answered, which is as good until the next announcement.
  const onCheck = () => {
    engine.connected ??= true;
  };
  agent.on('engine:connection', onConnection);
  agent.on('check:completed', onCheck);
  let openApiText: string | undefined;

  const authorize = (route: RouteSpec, request: IncomingMessage) => {
    if (route.access === 'open') return;
    if (route.access === 'read' && !readsNeedToken) return;
    if (!token) {
      throw new ApiError(
        'forbidden',
        route.access === 'write'
          ? 'writes are disabled: set MONITOR_API_TOKEN to enable them'
          : 'this server listens beyond loopback: set MONITOR_API_TOKEN to enable reads',
      );
    }
    const presented = bearerToken(request.headers.authorization);
    const challenge = { headers: { 'www-authenticate': 'Bearer realm="website-monitor"' } };
    if (presented === undefined) {
      throw new ApiError('unauthorized', 'send Authorization: Bearer <MONITOR_API_TOKEN>', challenge);
    }
    if (!tokenMatches(presented, token))
      throw new ApiError('unauthorized', 'the bearer token is not valid', challenge);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return sendError(response, new ApiError('bad_request', 'malformed request URL'));
    }
    try {
      const match = matchRoute(method, url.pathname);
      if (
        !match.route &&
        match.allowed.length === 0 &&
        options.dashboard &&
        (method === 'GET' || method === 'HEAD') &&
        (await options.dashboard(request, response))
      ) {
        return;
      }
      if (!match.route) {
        if (match.allowed.length > 0) {
          throw new ApiError('method_not_allowed', `${method} is not allowed on ${url.pathname}`, {
            headers: { allow: [...new Set(match.allowed)].join(', ') },
          });
        }
        throw new ApiError('not_found', `no route ${method} ${url.pathname}`);
      }
      const { route } = match;
      authorize(route, request);
      if (route.access === 'write') refuseOnStandby(role());
      const params = route.params ? parseOrThrow(route.params, match.params, 'bad_request', 'path') : {};
      const query = route.query
        ? parseOrThrow(route.query, Object.fromEntries(url.searchParams), 'bad_request', 'query')
        : {};
      const body =
        route.method === 'POST' && route.body
          ? parseOrThrow(route.body, await readJsonBody(request, maxBodyBytes), 'unprocessable', 'body')
          : undefined;
      await dispatch(route, { params, query, body, request, response });
      if (route.access === 'write') {
        logger.log('info', 'api_write', { route: route.id, status: response.statusCode, by });
      }
    } catch (error) {
      sendError(response, toApiError(error, logger));
    }
  };

  type Input = {
    params: Record<string, unknown>;
    query: Record<string, unknown>;
    body: unknown;
    request: IncomingMessage;
    response: ServerResponse;
  };

  const dispatch = async (route: RouteSpec, input: Input): Promise<void> => {
    const { response } = input;
    switch (route.id) {
      case 'status': {
        const query = input.query as z.output<typeof statusQuerySchema>;
        const scope = await resolveHostScope(agent, query.host);
        const now = clock.now();
        const live = () =>
          agent
            .status()
            .map((line) => statusLine(line, agent.host))
            .sort((a, b) => a.name.localeCompare(b.name));
        if (scope.kind === 'self') {
          return sendJson(response, 200, {
            host: agent.host,
            generatedAt: now,
            source: 'agent',
            containers: live(),
          });
        }
        if (scope.kind === 'other') {
          const report = scope.report;
          return sendJson(response, 200, {
            host: scope.host,
            generatedAt: now,
            source: 'store',
            lastSeenAt: report ? new Date(report.lastSeenAt).toISOString() : null,
            reporting: report
              ? isHostReporting({ report, now, intervalSeconds: reportIntervalSeconds(agent) })
              : false,
            containers: await storedStatusLines(agent, scope.host, now),
          });
        }
        const others = (await agent.store.listHosts()).filter((row) => row.host !== agent.host);
        const containers = [...live()];
        for (const other of others) {
          await nextTurn();
          containers.push(...(await storedStatusLines(agent, other.host, now)));
        }
        return sendJson(response, 200, { host: '*', generatedAt: now, source: 'fleet', containers });
      }
      case 'hosts':
        return sendJson(response, 200, await listFleetHosts(agent, clock));
      case 'incidents': {
        const query = input.query as z.output<typeof incidentsHostQuerySchema>;
        const scope = await resolveHostScope(agent, query.host);
        const since = clock.now() - query.hours * 3_600_000;
        const incidents = await agent.store.listIncidents({
          host: scope.kind === 'all' ? undefined : scope.host,
          since,
          containerName: query.container,
          limit: query.limit,
        });
        return sendJson(response, 200, { since, incidents });
      }
      case 'containerMetrics': {
        const name = input.params.name as string;
        const query = input.query as z.output<typeof containerMetricsHostQuerySchema>;
        const hostScope = await resolveHostScope(agent, query.host);
        const host = hostScope.kind === 'all' ? agent.host : hostScope.host;
        const windowMs = query.hours * 3_600_000;
        const since = clock.now() - windowMs;
        const bucketMs = query.buckets === undefined ? undefined : bucketWidthMs(windowMs, query.buckets);
        const known = hostScope.kind === 'self' && agent.status().some((line) => line.name === name);
        // Each read is one bounded query: the limit and the aggregation are done by the store,
        // so the widest window costs the same few rows as the narrowest (issue 10). One after
        // the other, each in its own turn of the event loop: an embedded database (SQLite)
        // answers synchronously, and three queries in one turn would stall the loop for all three.
        const scope = { host, containerName: name };
        const samples = await agent.store.listHealthSamples({ ...scope, since, limit: query.limit });
        await nextTurn();
        const summary = await agent.store.summarizeHealthSamples({ ...scope, since, bucketMs });
        await nextTurn();
        const baselines = await agent.store.listBaselines(scope);
        // Another host's container is known by its records: its samples, or an incident (the
        // status of that host lists a container whose only record so far is the incident its
        // crash opened, before the first samples are written: its page must not be a 404).
        if (
          !known &&
          samples.length === 0 &&
          summary.total.samples === 0 &&
          baselines.length === 0 &&
          (hostScope.kind === 'self' ||
            (await agent.store.listIncidents({ host, containerName: name, limit: 1 })).length === 0)
        ) {
          throw new ApiError(
            'not_found',
            host === agent.host
              ? `no container named ${name} is known to this monitor`
              : `no container named ${name} has records under host "${host}"`,
          );
        }
        return sendJson(response, 200, {
          container: name,
          host,
          since,
          samples,
          baselines,
          summary: { from: summary.from, ...summary.total },
          ...(bucketMs === undefined
            ? {}
            : { series: { bucketSeconds: bucketMs / 1000, buckets: summary.buckets } }),
        });
      }
      case 'heal': {
        refuseOtherHostWrite(agent, (input.query as z.output<typeof writeHostQuerySchema>).host);
        const body = input.body as z.output<typeof healRequestSchema>;
        const outcome = await agent.requestHealing({
          container: input.params.container as string,
          action: body.action,
          reason: body.reason,
          by,
        });
        if (outcome.kind === 'act') return sendJson(response, 200, outcome);
        if (outcome.kind === 'ask_approval') return sendJson(response, 202, outcome);
        throw new ApiError('conflict', outcome.reason, { details: { outcome } });
      }
      case 'approvals': {
        const query = input.query as z.output<typeof approvalsQuerySchema>;
        const scope = await resolveHostScope(agent, query.host);
        if (scope.kind === 'self') return sendJson(response, 200, { approvals: agent.pendingApprovals() });
        const host = scope.kind === 'other' ? scope.host : agent.host;
        return sendJson(response, 200, {
          approvals: await agent.store.listApprovals({ host, statuses: ['pending'] }),
        });
      }
      case 'approve': {
        refuseOtherHostWrite(agent, (input.query as z.output<typeof writeHostQuerySchema>).host);
        const id = input.params.id as string;
        await assertPending(agent, id, 'approve');
        return sendJson(response, 200, await agent.approve({ id, by }));
      }
      case 'reject': {
        refuseOtherHostWrite(agent, (input.query as z.output<typeof writeHostQuerySchema>).host);
        const id = input.params.id as string;
        const body = input.body as z.output<typeof rejectRequestSchema>;
        await assertPending(agent, id, 'reject');
        await agent.reject({ id, by, reason: body.reason });
        return sendJson(response, 200, { rejected: true, id });
      }
      case 'healthz': {
        const health = agentHealth();
        return sendJson(response, health.ok ? 200 : 503, health);
      }
      case 'openapi':
        openApiText ??= JSON.stringify(buildOpenApiDocument());
        return sendText(response, 200, 'application/json; charset=utf-8', openApiText);
      case 'metrics':
        return sendText(response, 200, metrics.contentType, await metrics.metrics());
      case 'events':
        if (!events.handle(input.request, response)) {
          throw new ApiError('unavailable', 'too many event-stream clients; try again later');
        }
        return;
    }
  };

  const agentHealth = () => {
    const now = clock.now();
    const lines = agent.status().filter((line) => line.monitored);
    const lastCheckAt = lines.reduce<number | null>(
      (latest, line) =>
        line.verdict && (latest === null || line.verdict.checkedAt > latest)
          ? line.verdict.checkedAt
          : latest,
      null,
    );
    const { intervalSeconds, healthCheckTimeoutSeconds } = agent.config.monitoring;
    // Three missed passes (plus a probe timeout) is a stuck agent, not a slow one.
    const maxCheckAgeSeconds = Math.max(60, 3 * intervalSeconds + healthCheckTimeoutSeconds);
    const lastCheckAgeSeconds = lastCheckAt === null ? null : Math.max(0, (now - lastCheckAt) / 1000);
    const problems: string[] = [];
    if (engine.connected === false) {
      problems.push(`container engine unreachable${engine.error ? `: ${engine.error}` : ''}`);
    }
    if (lines.length > 0 && lastCheckAgeSeconds !== null && lastCheckAgeSeconds > maxCheckAgeSeconds) {
      problems.push(
        `last check was ${Math.round(lastCheckAgeSeconds)} s ago (limit ${maxCheckAgeSeconds} s)`,
      );
    }
    // Degraded: still watching and healing (200), but something a person must fix is wrong.
    const warnings = [spoolWarning(options.spool, now)].filter((text) => text !== undefined);
    const lease = role();
    return {
      ok: problems.length === 0,
      status: problems.length > 0 ? 'failing' : warnings.length > 0 ? 'degraded' : 'ok',
      engineConnected: engine.connected,
      engineError: engine.error,
      lastCheckAt,
      lastCheckAgeSeconds,
      maxCheckAgeSeconds,
      monitoredContainers: lines.length,
      problems,
      warnings,
      role: lease.role,
      engineId: lease.engineId ?? null,
      leaseTerm: lease.role === 'active' ? (lease.term ?? null) : null,
      activeAgent: lease.role === 'standby' ? (lease.activeAgent ?? null) : null,
    };
  };

  return {
    handler: (request, response) => {
      void handle(request, response);
    },
    handle,
    metrics,
    events,
    close() {
      agent.off('engine:connection', onConnection);
      agent.off('check:completed', onCheck);
      events.close();
      if (ownMetrics) metrics.close();
    },
  };
}

/** A standby's agent is not running: a write would act through nothing, or beside the active agent. */
function refuseOnStandby(lease: EngineLeaseRole): void {
  if (lease.role !== 'standby') return;
  const active = lease.activeAgent;
  throw new ApiError(
    'unavailable',
    `this agent is a standby: ${active ? `pid ${active.pid} on ${active.hostName}` : 'another agent'} acts on the Docker engine; send writes to it`,
    { details: { role: 'standby', activeAgent: active ?? null } },
  );
}

/** 404 for an id never seen, 409 for one already decided: both before the agent is asked. */
async function assertPending(agent: MonitorAgentApi, id: string, verb: string): Promise<void> {
  if (agent.pendingApprovals().some((approval) => approval.id === id)) return;
  const [stored] = await agent.store.listApprovals({ host: agent.host, ids: [id] });
  if (!stored) throw new ApiError('not_found', `no approval request with id "${id}"`);
  throw new ApiError(
    'conflict',
    `cannot ${verb} approval request "${id}": it was already ${stored.status}${stored.decidedBy ? ` by ${stored.decidedBy}` : ''}`,
    { details: { status: stored.status } },
  );
}

/** The narrowest whole-minute bucket that covers the window in at most about `buckets` of them. */
function bucketWidthMs(windowMs: number, buckets: number): number {
  const minute = healthSummaryResolutionMs;
  return Math.max(1, Math.ceil(windowMs / buckets / minute)) * minute;
}

function statusLine(line: ContainerStatus, host: string) {
  return {
    id: line.id,
    name: line.name,
    monitored: line.monitored,
    state: line.verdict?.metrics.state ?? null,
    health: line.verdict?.status ?? null,
    lastCheckAt: line.verdict?.checkedAt ?? null,
    verdict: line.verdict ?? null,
    incident: line.incident ?? null,
    restartsLeft: line.restartsLeft ?? null,
    // Read optionally: an agent built before ContainerStatus carried the flag leaves it out.
    critical: (line as ContainerStatus & { readonly critical?: boolean }).critical === true,
    host,
  };
}

function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  code: 'bad_request' | 'unprocessable',
  where: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
    return `${path}: ${issue.message}`;
  });
  throw new ApiError(code, issues.join('; '));
}

function toApiError(error: unknown, logger: Logger): ApiError {
  if (error instanceof ApiError) return error;
  if (ContainerRuntimeError.isInstance(error)) {
    const runtimeError = error as ContainerRuntimeError;
    if (runtimeError.kind === 'not_found') return new ApiError('not_found', runtimeError.message);
    if (runtimeError.isRetryable) return new ApiError('unavailable', runtimeError.message);
  }
  if (MonitorError.isInstance(error)) {
    if (error.code === 'no_such_strategy') return new ApiError('unprocessable', error.message);
    // A request decided between our check and the agent's.
    if (error.code === 'approval') return new ApiError('conflict', error.message);
    // Another host's records are only in the database (?host=, /monitor/hosts): it is away.
    if (error.code === 'store')
      return new ApiError('unavailable', `the database does not answer: ${error.message}`);
  }
  logger.log('error', 'api_internal_error', {
    error: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  return new ApiError('internal', 'internal error; see the monitor log');
}

const commonHeaders = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendText(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sendText(response: ServerResponse, status: number, contentType: string, text: string): void {
  response.writeHead(status, {
    ...commonHeaders,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: ApiError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  for (const [name, value] of Object.entries(error.headers ?? {})) response.setHeader(name, value);
  // A refused body was read only up to readJsonBody's drain bounds: the connection is not reused.
  if (error.status === 413) response.setHeader('connection', 'close');
  sendJson(response, error.status, error.toBody());
}
