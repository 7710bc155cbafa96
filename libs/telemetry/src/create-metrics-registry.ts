import { collectDefaultMetrics, Registry } from 'prom-client';

// One Prometheus registry per process, served on the ops server's `/metrics`. Every metric
// the gateway exposes starts with `mcp_gateway_` and carries a `service` label, so one
// dashboard can query broker, router and operator together.

export const METRIC_PREFIX = 'mcp_gateway_';

/** A registry holding the process metrics (CPU, memory, event loop lag, GC…) under
 * `mcp_gateway_`, labelled `service`. Register the service's own metrics on it. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
