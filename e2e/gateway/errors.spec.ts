// Every error a client can provoke at the gateway's /mcp, over plain HTTP so the status
// code, the JSON-RPC code and the message are all visible: what a user (or an SDK) gets
// back must say what went wrong and, where the spec defines one, give the spec's signal
// (404 → re-initialize; 406/415 → fix the headers; -32602 naming the tool).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { waitFor } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';
import { startOutageProxy, type OutageProxy } from './support/outage-proxy';
import { openRawSession, rawMcpRequest, type RawSession } from './support/raw-mcp-exchange';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

const BODY_LIMIT = 64 * 1024;

let testServer: TestServer;
let doomedServer: TestServer;
let outage: OutageProxy;
let gateway: GatewayProcesses;
let session: RawSession;

beforeAll(async () => {
  testServer = await startTestServer();
  doomedServer = await startTestServer({ name: 'doomed' });
  outage = await startOutageProxy(doomedServer.url);
  gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'test-server', url: testServer.url, prefix: 't_' },
        { name: 'doomed', url: outage.url, prefix: 'doomed_' },
      ],
      maxRequestBodyBytes: BODY_LIMIT,
      // The broker must not notice the doomed server's outage during the suite (see outage-proxy.ts).
      pingIntervalMs: 600_000,
    },
  });
  await gateway.waitForUpstreamsReady(['test-server', 'doomed']);
  // The broker's notification stream to `doomed` must be open before the outage, or it
  // would notice the outage when that stream is opened.
  await waitFor(() => doomedServer.openGetStreams().length > 0, { what: "the broker's GET stream to doomed" });
  session = await openRawSession(gateway.url, '2025-11-25');
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await outage?.close();
  await doomedServer?.close();
  await testServer?.close();
});

interface ErrorBody {
  jsonrpc: '2.0';
  id: unknown;
  error: { code: number; message: string; data?: unknown };
}

function errorOf(messages: unknown[]): ErrorBody {
  const [message] = messages;
  expect(message).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number), message: expect.any(String) } });
  return message as ErrorBody;
}

const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe('malformed requests', () => {
  it('answers a body that is not JSON with HTTP 400 and -32700 (parse error)', async () => {
    const answer = await rawMcpRequest(gateway.url, '{"jsonrpc":"2.0","id":1,"method":"tools/list"', { sessionId: session.sessionId });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.messages)).toMatchObject({ id: null, error: { code: -32700 } });
  });

  it('answers JSON that is not JSON-RPC with HTTP 400 and -32600 (invalid request)', async () => {
    const answer = await rawMcpRequest(gateway.url, { hello: 'world' }, { sessionId: session.sessionId });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.messages).error.code).toBe(-32600);
  });

  it(`refuses a body over limits.maxRequestBodyBytes (${BODY_LIMIT}) with HTTP 413`, async () => {
    const answer = await rawMcpRequest(gateway.url, call(1, 't_echo', { text: 'x'.repeat(BODY_LIMIT + 1) }), { sessionId: session.sessionId });
    expect(answer.status).toBe(413);
    expect(errorOf(answer.messages).error.message).toMatch(/too large|limit|413|bytes/i);
  });

  it('still accepts a body just under the limit', async () => {
    const answer = await rawMcpRequest(gateway.url, call(2, 't_echo', { text: 'y'.repeat(BODY_LIMIT - 200) }), {
      sessionId: session.sessionId,
      protocolVersion: session.protocolVersion,
    });
    expect(answer.status).toBe(200);
    expect(answer.messages[0]).toMatchObject({ id: 2, result: { content: [{ type: 'text' }] } });
  });
});

describe('header rules of the streamable HTTP transport', () => {
  it('answers a POST whose Accept lacks text/event-stream with 406', async () => {
    const answer = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, {
      sessionId: session.sessionId,
      headers: { accept: 'application/json' },
    });
    expect(answer.status).toBe(406);
    expect(errorOf(answer.messages).error.message).toMatch(/accept/i);
  });

  it('answers a GET whose Accept lacks text/event-stream with 406', async () => {
    const answer = await rawMcpRequest(gateway.url, undefined, {
      method: 'GET',
      sessionId: session.sessionId,
      headers: { accept: 'application/json' },
    });
    expect(answer.status).toBe(406);
  });

  it('answers a POST that is not application/json with 415', async () => {
    const answer = await rawMcpRequest(gateway.url, '{"jsonrpc":"2.0","id":4,"method":"ping"}', {
      sessionId: session.sessionId,
      headers: { 'content-type': 'text/plain' },
    });
    expect(answer.status).toBe(415);
  });

  it('answers an unsupported MCP-Protocol-Version header with 400 naming the versions it speaks', async () => {
    const answer = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 4, method: 'ping' }, {
      sessionId: session.sessionId,
      protocolVersion: '1999-01-01',
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.messages).error.message).toMatch(/1999-01-01.*2025-11-25/);
  });

  it('refuses a foreign Host header (DNS rebinding protection) with 403', async () => {
    // fetch will not let a caller set Host, node:http does.
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' });
      const request = httpRequest(
        gateway.url,
        {
          method: 'POST',
          headers: {
            host: 'evil.example.com',
            accept: 'application/json, text/event-stream',
            'content-type': 'application/json',
            'mcp-session-id': session.sessionId,
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    expect(status).toBe(403);
  });

  it('refuses a foreign Origin (DNS rebinding protection) with 403', async () => {
    const answer = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 5, method: 'ping' }, {
      sessionId: session.sessionId,
      headers: { origin: 'http://evil.example.com' },
    });
    expect(answer.status).toBe(403);
    expect(errorOf(answer.messages).error.code).toBe(-32600);
  });

  it('accepts a same-host Origin', async () => {
    const answer = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 6, method: 'ping' }, {
      sessionId: session.sessionId,
      headers: { origin: `http://127.0.0.1:${gateway.routerPort}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.messages[0]).toEqual({ jsonrpc: '2.0', id: 6, result: {} });
  });
});

describe('sessions', () => {
  it('answers a request without Mcp-Session-Id with 400', async () => {
    const answer = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 7, method: 'tools/list' });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.messages).error.message).toMatch(/session/i);
  });

  it('answers a forged session id with 404, the spec’s signal to initialize again', async () => {
    const last = session.sessionId.at(-1) === 'A' ? 'B' : 'A';
    const forged = `${session.sessionId.slice(0, -1)}${last}`;
    for (const sessionId of [forged, 'made-up-session-id', `${session.sessionId}x`]) {
      const answer = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 8, method: 'tools/list' }, { sessionId });
      expect(answer.status).toBe(404);
      expect(errorOf(answer.messages).error.code).toBe(-32001);
    }
  });

  it('answers a properly signed session that was deleted with 404, on lists and on routed calls alike', async () => {
    const ended = await openRawSession(gateway.url, '2025-11-25');
    const deleted = await rawMcpRequest(gateway.url, undefined, { method: 'DELETE', sessionId: ended.sessionId });
    expect(deleted.status).toBe(200);
    const list = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 9, method: 'tools/list' }, { sessionId: ended.sessionId });
    expect(list.status).toBe(404);
    const routed = await rawMcpRequest(gateway.url, call(10, 't_echo', { text: 'x' }), { sessionId: ended.sessionId });
    expect(routed.status).toBe(404);
    expect(errorOf(routed.messages).error.code).toBe(-32001);
  });

  it('answers DELETE of an unknown session with 404', async () => {
    const answer = await rawMcpRequest(gateway.url, undefined, { method: 'DELETE', sessionId: 'made-up-session-id' });
    expect(answer.status).toBe(404);
  });

  it('makes an SDK client whose session was deleted fail with a 404 it can act on', async () => {
    const connected = await connectClient(gateway.url);
    await rawMcpRequest(gateway.url, undefined, { method: 'DELETE', sessionId: connected.sessionId ?? '' });
    await expect(connected.client.listTools()).rejects.toThrow(/404|session/i);
    await connected.client.close();
  });
});

describe('unknown names and methods', () => {
  it('answers an unknown tool with -32602 naming the tool (HTTP 200)', async () => {
    const answer = await rawMcpRequest(gateway.url, call(11, 'no_such_tool'), { sessionId: session.sessionId, protocolVersion: session.protocolVersion });
    expect(answer.status).toBe(200);
    const error = errorOf(answer.messages);
    expect(error.id).toBe(11);
    expect(error.error.code).toBe(-32602);
    expect(error.error.message).toContain('no_such_tool');
  });

  it('answers a tool name without its server’s prefix as unknown', async () => {
    const answer = await rawMcpRequest(gateway.url, call(12, 'echo', { text: 'x' }), { sessionId: session.sessionId });
    expect(errorOf(answer.messages).error).toMatchObject({ code: -32602, message: expect.stringContaining('echo') });
  });

  it('answers an unknown prompt and an unknown resource with -32602 naming them', async () => {
    const prompt = await rawMcpRequest(
      gateway.url,
      { jsonrpc: '2.0', id: 13, method: 'prompts/get', params: { name: 'no_such_prompt' } },
      { sessionId: session.sessionId },
    );
    expect(errorOf(prompt.messages).error).toMatchObject({ code: -32602, message: expect.stringContaining('no_such_prompt') });
    const resource = await rawMcpRequest(
      gateway.url,
      { jsonrpc: '2.0', id: 14, method: 'resources/read', params: { uri: 'nowhere://nothing' } },
      { sessionId: session.sessionId },
    );
    expect(errorOf(resource.messages).error).toMatchObject({ code: -32602, message: expect.stringContaining('nowhere://nothing') });
  });

  it('answers an SDK client calling an unknown tool with an error naming it', async () => {
    const connected = await connectClient(gateway.url);
    try {
      await expect(connected.client.callTool({ name: 'ghost_tool', arguments: {} })).rejects.toThrow(/ghost_tool/);
    } finally {
      await connected.close();
    }
  });

  it('answers an unknown method with -32601', async () => {
    const answer = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id: 15, method: 'tools/frobnicate' }, { sessionId: session.sessionId });
    expect(errorOf(answer.messages).error.code).toBe(-32601);
  });
});

describe('JSON-RPC batches, per negotiated protocol version', () => {
  const batch = [
    { jsonrpc: '2.0', id: 'a', method: 'ping' },
    { jsonrpc: '2.0', id: 'b', method: 'tools/list' },
  ];

  for (const version of ['2025-06-18', '2025-11-25']) {
    it(`refuses a batch in a ${version} session with -32600 naming the version`, async () => {
      const raw = await openRawSession(gateway.url, version);
      expect(raw.protocolVersion).toBe(version);
      const answer = await rawMcpRequest(gateway.url, batch, { sessionId: raw.sessionId, protocolVersion: version });
      expect(answer.status).toBe(400);
      expect(errorOf(answer.messages).error).toMatchObject({ code: -32600, message: expect.stringContaining(version) });
    });
  }

  it('answers a batch of gateway methods in a 2025-03-26 session with one answer per request', async () => {
    const raw = await openRawSession(gateway.url, '2025-03-26');
    expect(raw.protocolVersion).toBe('2025-03-26');
    const answer = await rawMcpRequest(gateway.url, [...batch, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }], {
      sessionId: raw.sessionId,
      protocolVersion: '2025-03-26',
    });
    expect(answer.status).toBe(200);
    expect(Array.isArray(JSON.parse(answer.text))).toBe(true);
    const byId = new Map((answer.messages as Array<{ id: string; result?: { tools?: unknown[] } }>).map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual(['a', 'b']);
    expect(byId.get('a')?.result).toEqual({});
    expect(byId.get('b')?.result?.tools?.length).toBeGreaterThan(0);
  });

  it('refuses a 2025-03-26 batch that holds a routed call, so a batch never fans out over upstreams', async () => {
    const raw = await openRawSession(gateway.url, '2025-03-26');
    const answer = await rawMcpRequest(gateway.url, [batch[0], call(16, 't_echo', { text: 'x' })], {
      sessionId: raw.sessionId,
      protocolVersion: '2025-03-26',
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.messages).error.code).toBe(-32600);
  });
});

describe('an upstream that is down', () => {
  it('answers a call to it with HTTP 503 and an error naming the server, while the others keep working', async () => {
    const before = await rawMcpRequest(gateway.url, call(17, 'doomed_echo', { text: 'up' }), { sessionId: session.sessionId });
    expect(before.status).toBe(200);

    await outage.cut();
    const answer = await rawMcpRequest(gateway.url, call(18, 'doomed_echo', { text: 'down' }), { sessionId: session.sessionId });
    expect(answer.status).toBe(503);
    const error = errorOf(answer.messages);
    expect(error.id).toBe(18);
    expect(error.error.code).toBe(-32090);
    expect(error.error.message).toContain('"doomed"');
    // The routing table still lists it: the router, not the catalog, said "down".
    expect((await gateway.status()).upstreams.find((row) => row.name === 'doomed')?.state).toBe('ready');

    const other = await rawMcpRequest(gateway.url, call(19, 't_echo', { text: 'fine' }), { sessionId: session.sessionId });
    expect(other.status).toBe(200);
    expect(other.messages[0]).toMatchObject({ id: 19, result: { content: [{ text: 'fine' }] } });
  });

  it('gives an SDK client an error naming the server', async () => {
    const connected = await connectClient(gateway.url);
    try {
      await expect(connected.client.callTool({ name: 'doomed_echo', arguments: { text: 'x' } })).rejects.toThrow(/doomed/);
    } finally {
      await connected.close();
    }
  });
});
