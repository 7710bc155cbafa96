// One conformance comparison: the official suite (@modelcontextprotocol/conformance 0.1.13,
// every server scenario, active and pending) against our conformance fixture directly, then
// against the gateway with that fixture registered WITHOUT a prefix (the suite calls fixed
// names such as `test_simple_text`). Shared by the spec that asserts parity and by the
// script that writes the tables into docs/conformance.md.
import { startConformanceServer } from '../../servers/conformance-server';
import { runConformanceSuite, type ConformanceScenarioResult } from '../../support/conformance';
import { startGatewayProcesses } from './gateway-processes';

/**
 * Every scenario finishes in well under a second directly; a call the gateway cannot
 * complete should fail after this long rather than after the suite's own 30 s timeout,
 * so that a regression costs seconds, not minutes.
 */
const UPSTREAM_REQUEST_MS = 3_000;

export interface ConformanceComparison {
  direct: ConformanceScenarioResult[];
  viaGateway: ConformanceScenarioResult[];
}

export async function compareConformanceDirectAndViaGateway(): Promise<ConformanceComparison> {
  const fixture = await startConformanceServer();
  try {
    const direct = await runConformanceSuite({ url: fixture.url, suite: 'all' });
    const gateway = await startGatewayProcesses({
      config: { servers: [{ name: 'conformance', url: fixture.url }], upstreamRequestMs: UPSTREAM_REQUEST_MS },
    });
    try {
      await gateway.waitForUpstreamsReady(['conformance']);
      const viaGateway = await runConformanceSuite({ url: gateway.url, suite: 'all' });
      return { direct, viaGateway };
    } finally {
      await gateway.stop();
    }
  } finally {
    await fixture.close();
  }
}
