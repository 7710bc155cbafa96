// What travels during a routed call: progress and log notifications must reach the client
// while the call runs (the router streams the upstream's SSE answer instead of buffering
// it), and a client's notifications/cancelled must reach the upstream that runs the call,
// under the request id that upstream saw. Two test servers, so "the right upstream" means
// something.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';

let alpha: TestServer;
let beta: TestServer;
let gateway: GatewayProcesses;
const clients: ConnectedClient[] = [];

beforeAll(async () => {
  alpha = await startTestServer({ name: 'alpha' });
  beta = await startTestServer({ name: 'beta' });
  gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'alpha', url: alpha.url, prefix: 'a_' },
        { name: 'beta', url: beta.url, prefix: 'b_' },
      ],
    },
  });
  await gateway.waitForUpstreamsReady(['alpha', 'beta']);
}, 60_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  await gateway?.stop();
  await beta?.close();
  await alpha?.close();
});

async function newClient(options: Parameters<typeof connectClient>[1] = {}): Promise<ConnectedClient> {
  const connected = await connectClient(gateway.url, options);
  clients.push(connected);
  return connected;
}

describe('progress and logs during a routed call', () => {
  it('delivers each progress notification while the call is still running, before the result', async () => {
    const connected = await newClient();
    const started = Date.now();
    const progress: Array<{ progress: number; total?: number; at: number }> = [];
    const result = await connected.client.callTool(
      { name: 'a_slow_count', arguments: { count: 3, delayMs: 300 } },
      { onprogress: ({ progress: value, total }) => void progress.push({ progress: value, total, at: Date.now() - started }) },
    );
    const resultAt = Date.now() - started;
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('counted to 3');
    expect(progress.map(({ progress: value, total }) => [value, total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    // The upstream waits 300 ms between steps: a router that buffered the stream would
    // hand every notification over together with the result.
    expect(resultAt - (progress[0]?.at ?? resultAt)).toBeGreaterThanOrEqual(400);
    expect((progress[1]?.at ?? 0) - (progress[0]?.at ?? 0)).toBeGreaterThanOrEqual(150);
  });

  it('delivers the upstream’s log message (notifications/message) sent mid-call', async () => {
    const logs: unknown[] = [];
    const connected = await newClient({
      configure: (client) => client.setNotificationHandler('notifications/message', (notification) => void logs.push(notification.params)),
    });
    await connected.client.callTool({ name: 'b_slow_count', arguments: { count: 2, delayMs: 20 } });
    expect(logs).toEqual([expect.objectContaining({ level: 'info', logger: 'slow_count', data: 'slow_count is halfway (1/2)' })]);
  });
});

describe('cancellation', () => {
  it('forwards notifications/cancelled to the upstream running the call, with the id that upstream saw', async () => {
    const connected = await newClient();
    const alphaBefore = alpha.receivedMessages().length;
    const betaCancelledBefore = beta.cancelledRequests().length;
    const controller = new AbortController();
    const call = connected.client.callTool({ name: 'a_cancellable_wait', arguments: { maxWaitMs: 20_000 } }, { signal: controller.signal });
    const received = await waitFor(
      () =>
        alpha
          .receivedMessages()
          .slice(alphaBefore)
          .find((entry) => entry.message['method'] === 'tools/call'),
      { what: 'the call to reach alpha' },
    );
    controller.abort('the user changed their mind');
    await expect(call).rejects.toThrow();

    const cancelled = await waitFor(
      () => alpha.cancelledRequests().find((entry) => entry.requestId === received.message['id']),
      { what: 'alpha to receive notifications/cancelled' },
    );
    expect(cancelled.sessionId).toBe(received.sessionId);
    expect(cancelled.reason).toContain('the user changed their mind');
    expect(beta.cancelledRequests()).toHaveLength(betaCancelledBefore);
  });

  it('keeps the gateway session usable after a cancelled call', async () => {
    const connected = await newClient();
    const betaBefore = beta.receivedMessages().length;
    const controller = new AbortController();
    const call = connected.client.callTool({ name: 'b_cancellable_wait', arguments: { maxWaitMs: 20_000 } }, { signal: controller.signal });
    await waitFor(
      () =>
        beta
          .receivedMessages()
          .slice(betaBefore)
          .some((entry) => entry.message['method'] === 'tools/call'),
      { what: 'the call to reach beta' },
    );
    controller.abort();
    await expect(call).rejects.toThrow();
    const next = await connected.client.callTool({ name: 'b_echo', arguments: { text: 'still here' } });
    expect((next.content as Array<{ text: string }>)[0]?.text).toBe('still here');
  });
});
