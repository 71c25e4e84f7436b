export type { MonitorApi, MonitorApiOptions, StaticRequestHandler } from './api/monitor-api.js';
export { createMonitorApi } from './api/monitor-api.js';
export type { RouteAccess, RouteId, RouteSpec } from './api/routes.js';
export { routes } from './api/routes.js';
export { bearerToken, isLoopbackHost, tokenMatches } from './auth/bearer-auth.js';
export type { FailedAuthThrottle, FailedAuthThrottleOptions } from './auth/failed-auth-throttle.js';
export { createFailedAuthThrottle } from './auth/failed-auth-throttle.js';
export type { EventStream, EventStreamOptions } from './events/event-stream.js';
export { createEventStream, streamedEventNames } from './events/event-stream.js';
export type { ApiErrorCode } from './http/api-error.js';
export { ApiError } from './http/api-error.js';
export { instrumentContainerRuntime } from './metrics/instrument-container-runtime.js';
export type { MonitorMetrics, MonitorMetricsOptions, SpoolDepth } from './metrics/monitor-metrics.js';
export { createMonitorMetrics } from './metrics/monitor-metrics.js';
export { buildOpenApiDocument } from './openapi/openapi-document.js';
export {
  apiSchemaRegistry,
  approvalIdSchema,
  containerNameSchema,
  healRequestSchema,
  incidentsQuerySchema,
  rejectRequestSchema,
} from './schemas/api-schemas.js';
export type { HostCheck, HostCheckOptions } from './server/host-check.js';
export { createHostCheck } from './server/host-check.js';
export type { MonitorServer, MonitorServerOptions } from './server/monitor-server.js';
export { minimumTokenLength, startMonitorServer } from './server/monitor-server.js';
