// One run of the 2026-07-28 conformance requirement set against the stateless-era
// conformance fixture directly, then against the gateway (both real processes) with that
// fixture registered WITHOUT a prefix (the suite calls fixed names such as
// `test_simple_text`). Shared by the spec that asserts parity and the script that prints the
// tables of docs/conformance.md.
import { startGatewayProcesses } from '../../gateway/support/gateway-processes';
import { startStatelessConformanceServer } from '../../servers/stateless-conformance-server';
import { runConformanceNext, type NextScenarioResult } from './conformance-next';

export interface NextComparison {
  readonly direct: NextScenarioResult[];
  readonly viaGateway: NextScenarioResult[];
}

export async function compareConformanceNextDirectAndViaGateway(): Promise<NextComparison> {
  const fixture = await startStatelessConformanceServer();
  try {
    const direct = await runConformanceNext(fixture.url);
    const gateway = await startGatewayProcesses({
      // Fast failure instead of the suite's 30 s timeout if the gateway cannot complete a call.
      config: { servers: [{ name: 'conformance', url: fixture.url }], upstreamRequestMs: 3_000 },
    });
    try {
      await gateway.waitForUpstreamsReady(['conformance']);
      const viaGateway = await runConformanceNext(gateway.url);
      return { direct, viaGateway };
    } finally {
      await gateway.stop();
    }
  } finally {
    await fixture.close();
  }
}
