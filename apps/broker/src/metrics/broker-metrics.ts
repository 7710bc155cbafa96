// The broker's Prometheus metrics. Gauges are read from live state at scrape time (no
// bookkeeping on the request path); the one counter is per answered JSON-RPC method.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { UpstreamState } from '../upstream/upstream-connection';

export interface BrokerMetricsSources {
  upstreamStates(): readonly UpstreamState[];
  catalogCounts(): { tools: number; prompts: number; resources: number; resourceTemplates: number };
  routingWatchers(): number;
  notificationStreams(): number;
}

const UPSTREAM_STATES: readonly UpstreamState[] = ['connecting', 'ready', 'failed', 'disabled'];

/** Methods are a closed set on the metric label (anything else counts as "other"). */
const KNOWN_METHODS = new Set([
  'initialize',
  'ping',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'logging/setLevel',
  'completion/complete',
]);

export class BrokerMetrics {
  private readonly requests: Counter<'method'>;

  constructor(registry: Registry, sources: BrokerMetricsSources) {
    new Gauge({
      name: 'mcp_gateway_broker_upstreams',
      help: 'Configured upstream servers by connection state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const states = sources.upstreamStates();
        for (const state of UPSTREAM_STATES) this.set({ state }, states.filter((s) => s === state).length);
      },
    });
    new Gauge({
      name: 'mcp_gateway_broker_catalog_entries',
      help: 'Entries in the federated catalog by kind',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        const counts = sources.catalogCounts();
        for (const [kind, count] of Object.entries(counts)) this.set({ kind }, count);
      },
    });
    new Gauge({
      name: 'mcp_gateway_broker_routing_watchers',
      help: 'Routers currently watching the routing table',
      registers: [registry],
      collect() {
        this.set(sources.routingWatchers());
      },
    });
    new Gauge({
      name: 'mcp_gateway_broker_notification_streams',
      help: 'Open client GET /mcp notification streams',
      registers: [registry],
      collect() {
        this.set(sources.notificationStreams());
      },
    });
    this.requests = new Counter({
      name: 'mcp_gateway_broker_mcp_requests_total',
      help: 'JSON-RPC requests answered by the broker, by method',
      labelNames: ['method'],
      registers: [registry],
    });
  }

  countMethod(method: string): void {
    this.requests.inc({ method: KNOWN_METHODS.has(method) ? method : 'other' });
  }
}
