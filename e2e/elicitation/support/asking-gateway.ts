// The fixture both single-router elicitation suites share: an upstream that asks on demand
// (`asker`, prefix `ask_`) and the in-repo test server (`tester`, prefix `t_`) behind one
// broker and one router started as separate processes.
import { startTestServer, type TestServer } from '../../servers/test-server';
import { startGatewayProcesses, type GatewayProcesses } from '../../gateway/support/gateway-processes';
import { startAskingServer, type AskingServer } from './asking-server';

export interface AskingGateway {
  readonly asker: AskingServer;
  readonly tester: TestServer;
  readonly gateway: GatewayProcesses;
  /** Stops the gateway, then the upstreams (reverse order of start). */
  close(): Promise<void>;
}

export async function startAskingGateway(options: { upstreamRequestMs?: number } = {}): Promise<AskingGateway> {
  const asker = await startAskingServer();
  const tester = await startTestServer({ name: 'tester' });
  const gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'asker', url: asker.url, prefix: 'ask_' },
        { name: 'tester', url: tester.url, prefix: 't_' },
      ],
      ...(options.upstreamRequestMs === undefined ? {} : { upstreamRequestMs: options.upstreamRequestMs }),
    },
  });
  await gateway.waitForUpstreamsReady(['asker', 'tester']);
  return {
    asker,
    tester,
    gateway,
    close: async () => {
      await gateway.stop();
      await tester.close();
      await asker.close();
    },
  };
}
