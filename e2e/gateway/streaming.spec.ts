// What travels during a routed call: progress and log notifications must reach the client
// while the call runs (the router streams the upstream's SSE answer instead of buffering
// it), and a client's notifications/cancelled must reach the upstream that runs the call,
// under the request id that upstream saw. Two test servers, so "the right upstream" means
// something.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { startConformanceServer } from '../servers/conformance-server';
import type { StreamableHttpHost } from '../servers/streamable-http-host';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

let alpha: TestServer;
let beta: TestServer;
let conformance: StreamableHttpHost;
let gateway: GatewayProcesses;
const clients: ConnectedClient[] = [];

beforeAll(async () => {
  alpha = await startTestServer({ name: 'alpha' });
  beta = await startTestServer({ name: 'beta' });
  conformance = await startConformanceServer();
  gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'alpha', url: alpha.url, prefix: 'a_' },
        { name: 'beta', url: beta.url, prefix: 'b_' },
        { name: 'conformance', url: conformance.url, prefix: 'conf_' },
      ],
      // A call the gateway cannot complete fails in seconds, not after the 10 min default.
      upstreamRequestMs: 8_000,
    },
  });
  await gateway.waitForUpstreamsReady(['alpha', 'beta', 'conformance']);
}, 60_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  await gateway?.stop();
  await conformance?.close();
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
      { name: 'a_slow_count', arguments: { count: 3, delayMs: 500 } },
      { onprogress: ({ progress: value, total }) => void progress.push({ progress: value, total, at: Date.now() - started }) },
    );
    const resultAt = Date.now() - started;
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('counted to 3');
    expect(progress.map(({ progress: value, total }) => [value, total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    // The upstream waits 500 ms between steps, so the first notification leaves it about a
    // second before the result: a router that buffered the stream would hand every
    // notification over together with the result.
    expect(resultAt - (progress[0]?.at ?? resultAt)).toBeGreaterThanOrEqual(400);
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

describe('requests the upstream sends to the client during a call', () => {
  it('passes roots/list to the client and its answer back to the upstream', async () => {
    const roots = [{ uri: 'file:///work/project', name: 'project' }];
    const connected = await newClient({
      capabilities: { roots: { listChanged: true } },
      configure: (client) => client.setRequestHandler('roots/list', () => ({ roots })),
    });
    const result = await connected.client.callTool({ name: 'a_list_roots', arguments: {} });
    expect(result.structuredContent).toEqual({ roots });
  });
});

// An upstream built on MCP SDK v2 sends these (ctx.mcpReq.elicitInput / requestSampling) on
// the session's standalone GET stream, not on the call's stream (the spec allows it: such
// messages only SHOULD relate to the request); the router listens there during the call.
describe('requests the upstream sends on its standalone GET stream during a call', () => {
  it('passes two elicitations of one call to the client and both answers back to the upstream', async () => {
    const asked: string[] = [];
    const connected = await newClient({
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (request) => {
          asked.push(request.params.message);
          const content: Record<string, string> = asked.length === 1 ? { name: 'Ada' } : { colour: 'green' };
          return { action: 'accept', content };
        }),
    });
    const result = await connected.client.callTool({ name: 'a_elicit_twice', arguments: {} }, { timeout: 10_000 });
    expect(asked).toEqual(['What is your name?', 'Pick a colour']);
    expect(result.structuredContent).toEqual({
      first: { action: 'accept', content: { name: 'Ada' } },
      second: { action: 'accept', content: { colour: 'green' } },
    });
  }, 20_000);

  it('passes sampling/createMessage to the client and the model’s answer back to the upstream', async () => {
    const connected = await newClient({
      capabilities: { sampling: {} },
      configure: (client) =>
        client.setRequestHandler('sampling/createMessage', () => ({
          role: 'assistant',
          content: { type: 'text', text: 'the model says hi' },
          model: 'e2e-model',
        })),
    });
    const result = await connected.client.callTool({ name: 'b_ask_model', arguments: { prompt: 'hello' } }, { timeout: 10_000 });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('the model says hi');
  }, 20_000);
});

// BUG: a client resuming a routed call's SSE stream (GET with Last-Event-ID, spec 2025-11-25
// "Resumability and Redelivery") is sent to the broker, which knows nothing of the
// upstream's event ids; the answer the upstream replays for that id never arrives.
describe.skip('resumable SSE streams (spec 2025-11-25, "Resumability and Redelivery")', () => {
  it('delivers the result of a call whose upstream closed the SSE stream mid-call, after the client resumes with Last-Event-ID', async () => {
    // conf_test_reconnection closes its POST stream after a priming event, then answers;
    // the SDK client reconnects with GET + Last-Event-ID and expects the answer replayed.
    const connected = await newClient();
    const result = await connected.client.callTool({ name: 'conf_test_reconnection', arguments: {} }, { timeout: 10_000 });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('Reconnection test completed');
  }, 20_000);
});
