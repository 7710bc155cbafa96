export { createLogger, REDACTED_HEADERS } from './create-logger';
export type { CreateLoggerOptions, Logger } from './create-logger';
export { startTelemetry } from './start-telemetry';
export type { Telemetry, TelemetryOptions } from './start-telemetry';
export { createMetricsRegistry, METRIC_PREFIX } from './create-metrics-registry';
export { extractTraceContext, injectTraceContext } from './trace-context';
export { startOpsServer } from './start-ops-server';
export type { OpsRouteHandler, OpsServer, OpsServerOptions } from './start-ops-server';
