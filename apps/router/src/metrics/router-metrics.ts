// The router's own Prometheus metrics (beside the process metrics of the shared registry).
// Names are part of the external surface (pinned by router-metrics.spec.ts). Label values
// are bounded: decision kinds, configured server names and GatewayError codes — never
// tool names or session ids. Requests are counted in plain numbers and handed to the
// Prometheus counter when it is scraped: counting a request is one addition (a bound
// prom-client counter still hashes and checks its labels on every inc).

import { Counter, Gauge, Registry } from 'prom-client';
import type { RouteDecision } from '../routing/route-decision';

export const ROUTER_METRIC_NAMES = Object.freeze({
  requests: 'mcp_gateway_router_requests_total',
  upstreamSessionsOpened: 'mcp_gateway_router_upstream_sessions_opened_total',
  upstreamSessionRenewals: 'mcp_gateway_router_upstream_session_renewals_total',
  upstreamFailures: 'mcp_gateway_router_upstream_failures_total',
  routingTableVersion: 'mcp_gateway_router_routing_table_version',
});

const DECISIONS: readonly RouteDecision['kind'][] = ['upstream', 'broker', 'answer'];

export class RouterMetrics {
  /** Requests by decision since start, and how much of it the counter was already given. */
  private readonly counted: Record<RouteDecision['kind'], number> = { upstream: 0, broker: 0, answer: 0 };
  private readonly reported: Record<RouteDecision['kind'], number> = { upstream: 0, broker: 0, answer: 0 };
  private readonly opened: Counter<'server'>;
  private readonly renewals: Counter<'server'>;
  private readonly failures: Counter<'server' | 'code'>;
  private readonly tableVersion: Gauge;

  constructor(registry: Registry = new Registry()) {
    const { counted, reported } = this;
    new Counter({
      name: ROUTER_METRIC_NAMES.requests,
      help: 'Requests on /mcp by routing decision: upstream (routed call), broker (proxied), answer (answered by the router, errors included).',
      labelNames: ['decision'],
      registers: [registry],
      // Runs on every scrape, before the values are read.
      collect() {
        for (const decision of DECISIONS) {
          const delta = counted[decision] - reported[decision];
          if (delta > 0) {
            this.inc({ decision }, delta);
            reported[decision] = counted[decision];
          }
        }
      },
    });
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
    this.counted[kind] += 1;
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
