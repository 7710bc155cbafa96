import { describe, it, expect } from '@jest/globals';
import { Registry } from 'prom-client';
import { ROUTER_METRIC_NAMES, RouterMetrics } from './router-metrics';

describe('RouterMetrics', () => {
  it('exposes the pinned metric names with bounded labels', async () => {
    const registry = new Registry();
    const metrics = new RouterMetrics(registry);
    metrics.decision('upstream');
    metrics.decision('upstream');
    metrics.decision('answer');
    metrics.upstreamSessionOpened('weather');
    metrics.upstreamSessionRenewed('weather');
    metrics.upstreamFailed('weather', 'UPSTREAM_TIMEOUT');
    metrics.routingTableVersion(7n);
    const text = await registry.metrics();
    expect(Object.values(ROUTER_METRIC_NAMES)).toEqual([
      'mcp_gateway_router_requests_total',
      'mcp_gateway_router_upstream_sessions_opened_total',
      'mcp_gateway_router_upstream_session_renewals_total',
      'mcp_gateway_router_upstream_failures_total',
      'mcp_gateway_router_routing_table_version',
    ]);
    expect(text).toContain('mcp_gateway_router_requests_total{decision="upstream"} 2');
    expect(text).toContain('mcp_gateway_router_requests_total{decision="answer"} 1');
    expect(text).toContain('mcp_gateway_router_upstream_sessions_opened_total{server="weather"} 1');
    expect(text).toContain('mcp_gateway_router_upstream_session_renewals_total{server="weather"} 1');
    expect(text).toContain('mcp_gateway_router_upstream_failures_total{server="weather",code="UPSTREAM_TIMEOUT"} 1');
    expect(text).toContain('mcp_gateway_router_routing_table_version 7');
  });
});
