// The router's own Prometheus metrics (beside the process metrics of the shared registry).
// Names are part of the external surface (pinned by router-metrics.spec.ts). Label values
// are bounded: decision kinds, configured server names and GatewayError codes — never
// tool names or session ids. Counters for the three decision kinds are bound once, so
// counting a request allocates nothing.

import { Counter, Gauge, Registry } from 'prom-client';
import type { RouteDecision } from '../routing/route-decision';

export const ROUTER_METRIC_NAMES = Object.freeze({
  requests: 'mcp_gateway_router_requests_total',
  upstreamSessionsOpened: 'mcp_gateway_router_upstream_sessions_opened_total',
  upstreamSessionRenewals: 'mcp_gateway_router_upstream_session_renewals_total',
  upstreamFailures: 'mcp_gateway_router_upstream_failures_total',
  routingTableVersion: 'mcp_gateway_router_routing_table_version',
});

export class RouterMetrics {
  private readonly byDecision: Record<RouteDecision['kind'], { inc(): void }>;
  private readonly opened: Counter<'server'>;
  private readonly renewals: Counter<'server'>;
  private readonly failures: Counter<'server' | 'code'>;
  private readonly tableVersion: Gauge;

  constructor(registry: Registry = new Registry()) {
    const requests = new Counter({
      name: ROUTER_METRIC_NAMES.requests,
      help: 'Requests on /mcp by routing decision: upstream (routed call), broker (proxied), answer (answered by the router, errors included).',
      labelNames: ['decision'],
      registers: [registry],
    });
    this.byDecision = {
      upstream: requests.labels('upstream'),
      broker: requests.labels('broker'),
      answer: requests.labels('answer'),
    };
    this.opened = new Counter({
      name: ROUTER_METRIC_NAMES.upstreamSessionsOpened,
      help: 'Upstream MCP sessions this router opened (initialize + initialized) for client sessions.',
      labelNames: ['server'],
      registers: [registry],
    });
    this.renewals = new Counter({
      name: ROUTER_METRIC_NAMES.upstreamSessionRenewals,
      help: 'Routed calls retried on a fresh upstream session because the upstream had forgotten the session (404).',
      labelNames: ['server'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: ROUTER_METRIC_NAMES.upstreamFailures,
      help: 'Routed calls that failed because the upstream was unreachable or too slow, by GatewayError code.',
      labelNames: ['server', 'code'],
      registers: [registry],
    });
    this.tableVersion = new Gauge({
      name: ROUTER_METRIC_NAMES.routingTableVersion,
      help: 'Version of the routing table in force (0 until the first snapshot arrives).',
      registers: [registry],
    });
  }

  decision(kind: RouteDecision['kind']): void {
    this.byDecision[kind].inc();
  }

  upstreamSessionOpened(server: string): void {
    this.opened.inc({ server });
  }

  upstreamSessionRenewed(server: string): void {
    this.renewals.inc({ server });
  }

  upstreamFailed(server: string, code: string): void {
    this.failures.inc({ server, code });
  }

  routingTableVersion(version: bigint): void {
    this.tableVersion.set(Number(version));
  }
}
