// Issue 5 across replicas: two routers sharing one real redis-server (their own, on a free
// port) behind a round-robin balancer, so the client's answer to an upstream's question
// lands on the other router than the one relaying the call — and the call still
// completes, a hundred times over. Then the same with an SDK client whose upstream asks on
// its session GET stream (held by whichever router opened it).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startRedisServer, type RedisServerHandle } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { MCP_ACCEPT, rawMcpRequest } from '../gateway/support/raw-mcp-exchange';
import { startScaledGateway, type ScaledGateway } from '../scaling/support/scaled-gateway';
import { startAskingServer, type AskingServer } from './support/asking-server';
import { startStreamingCall } from './support/streaming-call';

jest.setTimeout(120_000);

const ROUNDS = 100;
const FORM = { mode: 'form', message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } };

let redis: RedisServerHandle;
let asker: AskingServer;
let tester: TestServer;
let gateway: ScaledGateway;
const clients: ConnectedClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  asker = await startAskingServer();
  tester = await startTestServer({ name: 'tester' });
  gateway = await startScaledGateway({
    redisUrl: redis.url,
    routers: 2,
    brokers: 1,
    config: {
      servers: [
        { name: 'asker', url: asker.url, prefix: 'ask_' },
        { name: 'tester', url: tester.url, prefix: 't_' },
      ],
      upstreamRequestMs: 20_000,
    },
  });
  await gateway.waitForUpstreamsReady(['asker', 'tester']);
}, 90_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  await gateway?.stop();
  await tester?.close();
  await asker?.close();
  await redis?.stop();
});

/** initialize + initialized over plain HTTP, as a client that can answer form elicitations. */
async function openSession(): Promise<string> {
  const init = await rawMcpRequest(gateway.url, {
    jsonrpc: '2.0',
    id: 'init',
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: { elicitation: { form: {} } }, clientInfo: { name: 'replica-e2e', version: '1' } },
  });
  const sessionId = init.headers.get('mcp-session-id');
  if (init.status !== 200 || sessionId === null) throw new Error(`initialize answered ${init.status}: ${init.text}`);
  const initialized = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { sessionId });
  expect(initialized.status).toBe(202);
  return sessionId;
}

describe('two routers behind a round-robin balancer, one Redis', () => {
  it(`completes the call when the answer lands on the other router (${ROUNDS} times)`, async () => {
    const sessionId = await openSession();
    const balancer = gateway.routerBalancer;
    for (let round = 1; round <= ROUNDS; round += 1) {
      const before = balancer.history().length;
      const callId = `call-${round}`;
      const call = await startStreamingCall(gateway.url, sessionId, {
        jsonrpc: '2.0',
        id: callId,
        method: 'tools/call',
        params: { name: 'ask_ask_client', arguments: { method: 'elicitation/create', params: FORM } },
      });
      expect(call.status).toBe(200);
      const question = await call.next((message) => message['method'] === 'elicitation/create');
      expect(question['id']).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{22}$/));
      const answer = await fetch(gateway.url, {
        method: 'POST',
        headers: { accept: MCP_ACCEPT, 'content-type': 'application/json', 'mcp-session-id': sessionId },
        body: JSON.stringify({ jsonrpc: '2.0', id: question['id'], result: { action: 'accept', content: { name: `round ${round}` } } }),
      });
      await answer.arrayBuffer();
      expect(answer.status).toBe(202);
      const result = await call.next((message) => message['id'] === callId);
      expect(result['result']).toMatchObject({ structuredContent: { result: { action: 'accept', content: { name: `round ${round}` } } } });
      // The call and its answer went through different routers.
      const placed = balancer.history().slice(before);
      expect(placed).toHaveLength(2);
      expect(placed[0]?.backend).not.toBe(placed[1]?.backend);
    }
    expect(asker.answers().filter((entry) => entry.sessionId !== undefined).length).toBeGreaterThanOrEqual(ROUNDS);
  });

  it('completes calls whose upstream asks on its session GET stream, whichever router holds that stream (20 calls, two questions each)', async () => {
    const asked: string[] = [];
    const connected = await connectClient(gateway.url, {
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (request) => {
          asked.push(request.params.message);
          const content: Record<string, string> = request.params.message === 'What is your name?' ? { name: 'Ada' } : { colour: 'blue' };
          return { action: 'accept', content };
        }),
    });
    clients.push(connected);
    const countsBefore = gateway.routerBalancer.counts();
    for (let round = 1; round <= 20; round += 1) {
      const result = await connected.client.callTool({ name: 't_elicit_twice', arguments: {} });
      expect(result.structuredContent).toEqual({
        first: { action: 'accept', content: { name: 'Ada' } },
        second: { action: 'accept', content: { colour: 'blue' } },
      });
    }
    expect(asked).toHaveLength(40);
    // Both routers took part.
    const counts = gateway.routerBalancer.counts();
    expect(counts.map((count, index) => count - (countsBefore[index] ?? 0)).every((count) => count > 0)).toBe(true);
  });
});
