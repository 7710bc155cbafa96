// Gateway sessions mapped to upstream sessions, seen from the upstream: the test server's
// `whoami` reports the session id each call arrived on, so a test can tell whether the
// gateway reused, opened or re-opened an upstream session. The server has a prefix here
// (the federation suite covers one without).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

let testServer: TestServer;
let gateway: GatewayProcesses;
const clients: ConnectedClient[] = [];

beforeAll(async () => {
  testServer = await startTestServer();
  gateway = await startGatewayProcesses({ config: { servers: [{ name: 'test-server', url: testServer.url, prefix: 't_' }] } });
  await gateway.waitForUpstreamsReady(['test-server']);
}, 60_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  await gateway?.stop();
  await testServer?.close();
});

async function newClient(options: Parameters<typeof connectClient>[1] = {}): Promise<ConnectedClient> {
  const connected = await connectClient(gateway.url, options);
  clients.push(connected);
  return connected;
}

async function whoami(connected: ConnectedClient): Promise<string> {
  const result = await connected.client.callTool({ name: 't_whoami', arguments: {} });
  const sessionId = (result.structuredContent as { sessionId: string | null }).sessionId;
  if (sessionId === null) throw new Error('the call reached the upstream without a session');
  return sessionId;
}

describe('upstream sessions behind one gateway session', () => {
  it('reuses one upstream session for every call of a gateway session', async () => {
    const connected = await newClient();
    const first = await whoami(connected);
    const second = await whoami(connected);
    await connected.client.callTool({ name: 't_echo', arguments: { text: 'x' } });
    const third = await whoami(connected);
    expect([second, third]).toEqual([first, first]);
    expect(testServer.sessionIds()).toContain(first);
  });

  it('never shows the gateway session id to the upstream, nor the upstream id to the client', async () => {
    const connected = await newClient();
    const upstreamId = await whoami(connected);
    expect(upstreamId).not.toBe(connected.sessionId);
    const echoed = await connected.client.callTool({ name: 't_echo_headers', arguments: {} });
    const headers = (echoed.structuredContent as { headers: Record<string, string> }).headers;
    expect(headers['mcp-session-id']).toBe(upstreamId);
    expect(headers['mcp-protocol-version']).toBe(connected.transport.protocolVersion);
    // The SDK transport keeps the id from the last answer: still the gateway's.
    expect(connected.transport.sessionId).toBe(connected.sessionId);
  });

  it('gives two gateway sessions two different upstream sessions', async () => {
    const [a, b] = await Promise.all([newClient(), newClient()]);
    expect(await whoami(a)).not.toBe(await whoami(b));
  });

  it('opens the upstream session with the client’s own protocol version, capabilities and name', async () => {
    const before = testServer.receivedMessages().length;
    const connected = await newClient({
      name: 'capable-client',
      capabilities: { roots: { listChanged: true }, elicitation: { form: {} } },
      configure: (client) => {
        client.setRequestHandler('roots/list', () => ({ roots: [] }));
        client.setRequestHandler('elicitation/create', () => ({ action: 'decline' }));
      },
    });
    await whoami(connected);
    const initialize = testServer
      .receivedMessages()
      .slice(before)
      .map((entry) => entry.message)
      .find((message) => message['method'] === 'initialize');
    expect(initialize?.['params']).toMatchObject({
      protocolVersion: connected.transport.protocolVersion,
      capabilities: { roots: { listChanged: true }, elicitation: { form: {} } },
      clientInfo: { name: 'capable-client' },
    });
  });

  it('ends the upstream session when the client DELETEs its gateway session, and opens a new one for the next session', async () => {
    const connected = await newClient();
    const first = await whoami(connected);
    await connected.transport.terminateSession();
    await waitFor(() => !testServer.sessionIds().includes(first), { what: 'the upstream session to be deleted' });
    const next = await newClient();
    const second = await whoami(next);
    expect(second).not.toBe(first);
  });

  it('opens exactly one upstream session when 20 first calls of a session race', async () => {
    const connected = await newClient();
    const opened = testServer.sessionsOpened();
    const ids = await Promise.all(Array.from({ length: 20 }, () => whoami(connected)));
    expect(new Set(ids).size).toBe(1);
    expect(testServer.sessionsOpened()).toBe(opened + 1);
  });
});

describe('upstream-side session loss', () => {
  it('recovers transparently when the upstream forgets the session (404): the call succeeds on a new upstream session', async () => {
    const connected = await newClient();
    const first = await whoami(connected);
    const forgot = await connected.client.callTool({ name: 't_forget_my_session', arguments: {} });
    expect(forgot.isError).toBeFalsy();
    const second = await whoami(connected);
    expect(second).not.toBe(first);
    // ...and the new one is kept from then on.
    expect(await whoami(connected)).toBe(second);
  });

  it('recovers transparently when the upstream answers 400 for the session it forgot', async () => {
    const connected = await newClient();
    const first = await whoami(connected);
    testServer.setUnknownSessionStatus(400);
    try {
      expect(testServer.forgetSession(first)).toBe(true);
      const echoed = await connected.client.callTool({ name: 't_echo', arguments: { text: 'after a 400' } });
      expect(echoed.isError).toBeFalsy();
      expect((echoed.content as Array<{ text: string }>)[0]?.text).toBe('after a 400');
      expect(await whoami(connected)).not.toBe(first);
    } finally {
      testServer.setUnknownSessionStatus(404);
    }
  });

  it('opens one new upstream session for calls that race after the upstream forgot the old one', async () => {
    const connected = await newClient();
    const first = await whoami(connected);
    expect(testServer.forgetSession(first)).toBe(true);
    const results = await Promise.all(Array.from({ length: 5 }, () => whoami(connected)));
    expect(new Set(results).size).toBe(1);
    expect(results[0]).not.toBe(first);
  });
});
