export type { MonitorApi, MonitorApiOptions, StaticRequestHandler } from './api/monitor-api.js';
export { createMonitorApi } from './api/monitor-api.js';
export type { FailedAuthThrottleOptions } from './auth/failed-auth-throttle.js';
export type { EventStream, EventStreamOptions } from './events/event-stream.js';
export type { ApiErrorCode } from './http/api-error.js';
export { ApiError } from './http/api-error.js';
export { instrumentContainerRuntime } from './metrics/instrument-container-runtime.js';
export type {
  MonitorMetrics,
  MonitorMetricsOptions,
  SpoolDepth,
  SpoolWriteFailureState,
} from './metrics/monitor-metrics.js';
export { createMonitorMetrics } from './metrics/monitor-metrics.js';
export { buildOpenApiDocument } from './openapi/openapi-document.js';
export type { MonitorServer, MonitorServerOptions } from './server/monitor-server.js';
export { minimumTokenLength, startMonitorServer } from './server/monitor-server.js';
