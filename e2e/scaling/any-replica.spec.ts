// Issue 6, "Any router or broker replica can serve any request of any session": three
// routers and two brokers sharing one real redis-server, behind round-robin balancers that
// send every request (client → router, router → broker) to another replica than the one
// before. Clients are MCP SDK v2 clients; upstreams are two test servers.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startRedisServer, waitFor, type RedisServerHandle } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startScaledGateway, type ScaledGateway } from './support/scaled-gateway';

jest.setTimeout(30_000);

let redis: RedisServerHandle;
let alpha: TestServer;
let beta: TestServer;
let gateway: ScaledGateway;
const clients: ConnectedClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  alpha = await startTestServer({ name: 'alpha' });
  beta = await startTestServer({ name: 'beta' });
  gateway = await startScaledGateway({
    redisUrl: redis.url,
    config: {
      servers: [
        { name: 'alpha', url: alpha.url, prefix: 'a_' },
        { name: 'beta', url: beta.url, prefix: 'b_' },
      ],
      upstreamRequestMs: 15_000,
      // No periodic ping: on a busy machine a slow answer would fail an upstream mid-test;
      // a dead upstream is still noticed at once through its dropped GET stream.
      pingIntervalMs: 600_000,
    },
  });
  await gateway.waitForUpstreamsReady(['alpha', 'beta']);
}, 90_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  await gateway?.stop();
  await alpha?.close();
  await beta?.close();
  await redis?.stop();
});

async function newClient(options: Parameters<typeof connectClient>[1] = {}): Promise<ConnectedClient> {
  const connected = await connectClient(gateway.url, options);
  clients.push(connected);
  return connected;
}

async function whoami(connected: ConnectedClient, tool = 'a_whoami'): Promise<string> {
  const result = await connected.client.callTool({ name: tool, arguments: {} });
  return (result.structuredContent as { sessionId: string }).sessionId;
}

/** POST a ping straight to one router (not through the balancer), with a session id. */
async function pingRouter(port: number, sessionId: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('a session across replicas', () => {
  it('is initialized on one router and served by every router and every broker after that', async () => {
    const routersBefore = gateway.routerBalancer.counts();
    const brokersBefore = gateway.brokerBalancer.counts();
    const connected = await newClient();
    const upstreamSessions = new Set<string>();
    for (let i = 0; i < 6; i += 1) {
      upstreamSessions.add(await whoami(connected));
      const tools = await connected.client.listTools();
      expect(tools.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['a_whoami', 'b_whoami']));
    }
    // One upstream session, opened once, found by every router through the store.
    expect(upstreamSessions.size).toBe(1);
    const routersAfter = gateway.routerBalancer.counts();
    const brokersAfter = gateway.brokerBalancer.counts();
    routersAfter.forEach((count, index) => expect(count - (routersBefore[index] ?? 0)).toBeGreaterThanOrEqual(4));
    brokersAfter.forEach((count, index) => expect(count - (brokersBefore[index] ?? 0)).toBeGreaterThanOrEqual(3));
  });

  it('opens one upstream session for twenty racing first calls spread over three routers', async () => {
    const connected = await newClient();
    const seen = await Promise.all(Array.from({ length: 20 }, () => whoami(connected, 'b_whoami')));
    expect(new Set(seen).size).toBe(1);
  });

  it('takes the answer to a server-to-client request on another router than the call that asked it', async () => {
    const roots = [{ uri: 'file:///srv/replicas', name: 'replicas' }];
    const connected = await newClient({
      capabilities: { roots: { listChanged: true } },
      configure: (client) => client.setRequestHandler('roots/list', () => ({ roots })),
    });
    for (let i = 0; i < 3; i += 1) {
      const before = gateway.routerBalancer.history().length;
      const result = await connected.client.callTool({ name: 'a_list_roots', arguments: {} });
      expect(result.structuredContent).toEqual({ roots });
      // The call and the client's answer were two requests in a row: two different routers.
      const [call, answer] = gateway.routerBalancer.history().slice(before).filter((entry) => entry.method === 'POST');
      expect(call?.backend).not.toBe(answer?.backend);
    }
  });

  it('passes elicitations an upstream asks during a call to the client, and each answer back, whichever routers take them', async () => {
    const asked: string[] = [];
    const connected = await newClient({
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (request) => {
          asked.push(request.params.message);
          const content: Record<string, string> = asked.length % 2 === 1 ? { name: 'Ada' } : { colour: 'green' };
          return { action: 'accept', content };
        }),
    });
    // Three calls of two questions each: the call, its answers and the next call land on
    // routers in turn, so answers reach the upstream through routers that did not hold the call.
    for (let call = 0; call < 3; call += 1) {
      const result = await connected.client.callTool({ name: 'a_elicit_twice', arguments: {} }, { timeout: 15_000 });
      expect(result.structuredContent).toEqual({
        first: { action: 'accept', content: { name: 'Ada' } },
        second: { action: 'accept', content: { colour: 'green' } },
      });
    }
    expect(asked).toHaveLength(6);
  });

  it('keeps passing elicitations once the router that opened the upstream session is gone', async () => {
    const connected = await newClient({
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (request) => {
          const content: Record<string, string> = request.params.message.includes('name') ? { name: 'Ada' } : { colour: 'green' };
          return { action: 'accept', content };
        }),
    });
    const expected = { first: { action: 'accept', content: { name: 'Ada' } }, second: { action: 'accept', content: { colour: 'green' } } };
    const before = gateway.routerBalancer.history().length;
    expect((await connected.client.callTool({ name: 'b_elicit_twice', arguments: {} })).structuredContent).toEqual(expected);
    // The call was the first POST: that router opened the upstream session (and holds its GET stream).
    const opener = gateway.routerBalancer.history().slice(before).find((entry) => entry.method === 'POST')?.backend ?? -1;
    const router = gateway.routers[opener];
    if (!router) throw new Error('no opener found');
    await router.kill();
    try {
      for (let call = 0; call < 3; call += 1) {
        const result = await connected.client.callTool({ name: 'b_elicit_twice', arguments: {} }, { timeout: 8_000 });
        expect(result.structuredContent).toEqual(expected);
      }
    } finally {
      await router.start();
    }
  });

  it('ends on every router when one router takes the DELETE, and closes its upstream sessions', async () => {
    const connected = await newClient();
    const sessionId = connected.sessionId as string;
    const upstreamA = await whoami(connected, 'a_whoami');
    const upstreamB = await whoami(connected, 'b_whoami');
    for (const router of gateway.routers) expect(await pingRouter(router.port, sessionId)).toBe(200);

    await connected.transport.terminateSession();
    for (const router of gateway.routers) expect(await pingRouter(router.port, sessionId)).toBe(404);
    await waitFor(() => !alpha.sessionIds().includes(upstreamA) && !beta.sessionIds().includes(upstreamB), {
      what: 'both upstream sessions to be closed',
    });
    await connected.client.close();
  });
});

describe('cancellation across replicas', () => {
  it('delivers notifications/cancelled to the upstream running the call, whichever router takes it', async () => {
    const connected = await newClient();
    // Three times: the call and its cancellation are consecutive requests, so the
    // cancellation lands on each of the other routers in turn.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const before = alpha.receivedMessages().length;
      const controller = new AbortController();
      const call = connected.client.callTool({ name: 'a_cancellable_wait', arguments: { maxWaitMs: 20_000 } }, { signal: controller.signal });
      const received = await waitFor(
        () => alpha.receivedMessages().slice(before).find((entry) => entry.message['method'] === 'tools/call'),
        { what: 'the call to reach alpha' },
      );
      controller.abort('changed my mind');
      await expect(call).rejects.toThrow();
      const cancelled = await waitFor(
        () => alpha.cancelledRequests().find((entry) => entry.sessionId === received.sessionId && entry.requestId === received.message['id']),
        { timeoutMs: 5_000, what: `alpha to receive notifications/cancelled (attempt ${attempt + 1})` },
      );
      expect(cancelled.reason).toContain('changed my mind');
    }
  });
});

describe('catalog changes', () => {
  it('reach clients whose notification streams are held by either broker', async () => {
    const changes = new Map<number, number>();
    const watchers: ConnectedClient[] = [];
    const streamsBefore = await Promise.all(gateway.brokers.map(async (broker) => (await broker.status()).notificationStreams));
    const streamsAdded = async (): Promise<number[]> => {
      const streams = await Promise.all(gateway.brokers.map(async (broker) => (await broker.status()).notificationStreams));
      return streams.map((count, index) => count - (streamsBefore[index] ?? 0));
    };
    // Each client's GET stream goes through the broker balancer: open clients until both
    // brokers hold some (the balancer alternates, so it takes two unless a probe flaps).
    for (let index = 0; index < 8; index += 1) {
      watchers.push(
        await newClient({
          configure: (client) =>
            client.setNotificationHandler('notifications/tools/list_changed', () => void changes.set(index, (changes.get(index) ?? 0) + 1)),
        }),
      );
      const added = await waitFor(async () => {
        const now = await streamsAdded();
        return now.reduce((sum, count) => sum + count, 0) >= index + 1 && now;
      }, { what: 'the new client’s notification stream to open' });
      if (index >= 3 && added.every((count) => count >= 1)) break;
    }
    expect((await streamsAdded()).every((count) => count >= 1)).toBe(true);

    beta.addTool('added_while_scaled');
    await waitFor(() => changes.size === watchers.length, { timeoutMs: 10_000, what: 'every client to receive tools/list_changed' });
    for (const watcher of watchers) {
      const tools = await watcher.client.listTools();
      expect(tools.tools.map((tool) => tool.name)).toContain('b_added_while_scaled');
    }
  });
});
