import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import http from 'node:http';
import * as z from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { SseParser } from '@mcp-gateway/jsonrpc';
import { startUpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import type { UpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import { startRouterTestRig } from '../test-doubles/router-test-rig';
import type { RouterTestRig } from '../test-doubles/router-test-rig';

const BODY_LIMIT = 4096;
const MCP_ACCEPT = 'application/json, text/event-stream';

const UPSTREAM_REQUEST_MS = 400;

function registerWeather(server: McpServer): void {
  server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text: `echo:${text}` }],
  }));
  server.registerTool('dawdle', { inputSchema: z.object({}) }, async () => {
    await new Promise((resolve) => setTimeout(resolve, UPSTREAM_REQUEST_MS * 5).unref());
    return { content: [{ type: 'text', text: 'too late' }] };
  });
}

/** The JSON-RPC answer in a body the router relayed as JSON or as SSE. */
function jsonRpcAnswerOf(answer: RawAnswer): { id?: unknown; error?: { code: number; message: string } } {
  if (!String(answer.headers['content-type']).includes('text/event-stream')) return JSON.parse(answer.body);
  const parser = new SseParser();
  const last = [...parser.push(answer.body), ...parser.end()].at(-1);
  return last ? JSON.parse(last.data) : {};
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with full control over headers (fetch cannot set Host). */
function rawRequest(url: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer[] }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'POST', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    // The router may close the connection before an oversized body is fully sent.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    if (Array.isArray(options.body)) {
      const pieces = [...options.body];
      const writeNext = (): void => {
        const piece = pieces.shift();
        if (piece === undefined) request.end();
        else if (!request.destroyed) request.write(piece, () => setImmediate(writeNext));
      };
      writeNext();
    } else {
      request.end(options.body);
    }
  });
}

function errorOf(answer: RawAnswer): { code: number; message: string } {
  return (JSON.parse(answer.body) as { error: { code: number; message: string } }).error;
}

describe('standalone HTTP face: errors the client sees', () => {
  let weather: UpstreamMcpServer;
  let gone: UpstreamMcpServer;
  let jsonOnly: UpstreamMcpServer;
  let strict: UpstreamMcpServer;
  let rig: RouterTestRig;
  let sessionId: string;
  const logLines: string[] = [];

  const post = (body: string, headers: Record<string, string> = {}): Promise<RawAnswer> =>
    rawRequest(rig.url, {
      headers: { 'content-type': 'application/json', accept: MCP_ACCEPT, 'mcp-session-id': sessionId, ...headers },
      body,
    });

  beforeAll(async () => {
    weather = await startUpstreamMcpServer('weather', registerWeather);
    gone = await startUpstreamMcpServer('gone', registerWeather);
    jsonOnly = await startUpstreamMcpServer('json-only', registerWeather, { jsonResponse: true });
    strict = await startUpstreamMcpServer('strict', registerWeather, { unknownSessionStatus: 400 });
    rig = await startRouterTestRig({
      servers: [
        { upstream: weather, prefix: 'weather_', tools: ['echo', 'dawdle'] },
        { upstream: gone, prefix: 'gone_', tools: ['echo'] },
        { upstream: jsonOnly, prefix: 'json_', tools: ['dawdle'] },
        { upstream: strict, prefix: 'strict_', tools: ['echo'] },
      ],
      logLines,
      extraConfig: `limits:\n  maxRequestBodyBytes: ${BODY_LIMIT}\ntimeouts:\n  upstreamConnectMs: 1000\n  upstreamRequestMs: ${UPSTREAM_REQUEST_MS}\n`,
    });
    await gone.stop();
    const { transport } = await rig.connectClient();
    sessionId = transport.sessionId ?? '';
  });

  afterAll(async () => {
    await rig.close();
    await weather.stop();
    await jsonOnly.stop();
    await strict.stop();
  });

  it('answers malformed JSON with -32700 and HTTP 400', async () => {
    const answer = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(answer.status).toBe(400);
    expect(errorOf(answer).code).toBe(-32700);
  });

  it('answers a message that is not JSON-RPC with -32600 and HTTP 400', async () => {
    const answer = await post('{"id": 1, "method": "ping"}');
    expect(answer.status).toBe(400);
    expect(errorOf(answer).code).toBe(-32600);
  });

  it('answers a body over the limit with 413 without reading it, declared or streamed', async () => {
    const declared = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(BODY_LIMIT) } }));
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');

    const streamed = await rawRequest(rig.url, {
      headers: { 'content-type': 'application/json', accept: MCP_ACCEPT, 'mcp-session-id': sessionId, 'transfer-encoding': 'chunked' },
      body: Array.from({ length: 64 }, () => Buffer.alloc(1024, 0x20)),
    });
    expect(streamed.status).toBe(413);
  });

  it('answers a forged session id with 404', async () => {
    const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }), { 'mcp-session-id': 'forged-session-id' });
    expect(answer.status).toBe(404);
    expect(errorOf(answer).message).toMatch(/session not found/i);
  });

  it('answers a well-signed but unknown session id with 404', async () => {
    const neverInitialized = rig.codec.issue();
    const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'weather_echo', arguments: { text: 'x' } } }), {
      'mcp-session-id': neverInitialized,
    });
    expect(answer.status).toBe(404);
    expect(weather.received.filter((r) => r.jsonRpcMethod === 'tools/call')).toEqual([]);
  });

  it('answers a request without session id with 400', async () => {
    const answer = await rawRequest(rig.url, {
      headers: { 'content-type': 'application/json', accept: MCP_ACCEPT },
      body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }),
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: -32600, message: expect.stringMatching(/Mcp-Session-Id/) });
  });

  it('answers a POST that does not accept both JSON and SSE with 406, and a non-JSON body with 415', async () => {
    const onlyJson = await post(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' }), { accept: 'application/json' });
    expect(onlyJson.status).toBe(406);
    const getWithoutSse = await rawRequest(rig.url, { method: 'GET', headers: { accept: 'application/json', 'mcp-session-id': sessionId } });
    expect(getWithoutSse.status).toBe(406);
    const text = await post('ping', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('answers an unsupported MCP-Protocol-Version header with 400', async () => {
    const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 12, method: 'ping' }), { 'mcp-protocol-version': '2023-01-01' });
    expect(answer.status).toBe(400);
    expect(errorOf(answer).message).toMatch(/Unsupported protocol version: 2023-01-01/);
  });

  it('answers an unknown tool with -32602 naming it, in an HTTP 200', async () => {
    const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'weather_nope', arguments: {} } }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      jsonrpc: '2.0',
      id: 6,
      error: { code: -32602, message: 'Unknown tool: weather_nope' },
    });
  });

  it('the SDK client sees an unknown tool as an error naming it', async () => {
    const { client } = await rig.connectClient();
    await expect(client.callTool({ name: 'weather_missing', arguments: {} })).rejects.toThrow(/weather_missing/);
  });

  it('answers a call to an unreachable upstream with 503 naming the server', async () => {
    const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'gone_echo', arguments: { text: 'x' } } }));
    expect(answer.status).toBe(503);
    const error = errorOf(answer);
    expect(error.code).toBe(-32090);
    expect(error.message).toContain('"gone"');
    expect(JSON.parse(answer.body).id).toBe(7);
  });

  it('answers a call the upstream does not finish in time with 504 naming the server', async () => {
    const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'json_dawdle', arguments: {} } }));
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toMatchObject({ id: 10, error: { code: -32091, message: expect.stringContaining('"json-only"') } });
  });

  it('ends an SSE answer the upstream does not finish in time with a JSON-RPC error event', async () => {
    const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'weather_dawdle', arguments: {} } }));
    expect(answer.status).toBe(200);
    expect(String(answer.headers['content-type'])).toContain('text/event-stream');
    expect(jsonRpcAnswerOf(answer)).toMatchObject({ id: 11, error: { code: -32091, message: expect.stringContaining('"weather"') } });
  });

  it('treats an upstream 400 that says the session is unknown like a 404: new session, one retry', async () => {
    const call = (id: number): Promise<RawAnswer> =>
      post(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'strict_echo', arguments: { text: `s${id}` } } }));
    expect(jsonRpcAnswerOf(await call(20))).toMatchObject({ result: { content: [{ text: 'echo:s20' }] } });
    await strict.forgetSessions();
    const before = strict.initializeCount();
    const again = await call(21);
    expect(again.status).toBe(200);
    expect(jsonRpcAnswerOf(again)).toMatchObject({ id: 21, result: { content: [{ text: 'echo:s21' }] } });
    expect(strict.initializeCount() - before).toBe(1);
  });

  it('accepts a batch of gateway-answered messages on a 2025-03-26 session, and refuses one with a routed call', async () => {
    const initialize = await rawRequest(rig.url, {
      headers: { 'content-type': 'application/json', accept: MCP_ACCEPT },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'old', version: '1' } } }),
    });
    const oldSession = String(initialize.headers['mcp-session-id']);
    const batch = await post(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      ]),
      { 'mcp-session-id': oldSession },
    );
    expect(batch.status).toBe(200);
    expect((JSON.parse(batch.body) as unknown[]).length).toBe(2);
    const routed = await post(JSON.stringify([{ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'weather_echo', arguments: { text: 'x' } } }]), {
      'mcp-session-id': oldSession,
    });
    expect(routed.status).toBe(400);
    expect(errorOf(routed).code).toBe(-32600);
  });

  it('forgets a client that leaves halfway through its body, without an error in the log', async () => {
    await new Promise<void>((resolve) => {
      const request = http.request(rig.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: MCP_ACCEPT, 'mcp-session-id': sessionId, 'content-length': 500 },
      });
      request.on('error', () => undefined);
      request.write('{"jsonrpc":"2.0",', () => setTimeout(() => {
        request.destroy();
        resolve();
      }, 20));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await post(JSON.stringify({ jsonrpc: '2.0', id: 30, method: 'ping' }))).status).toBe(200);
    expect(logLines.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });

  it('answers a request for a foreign Host with 403, and a foreign Origin too', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'ping' });
    const badHost = await post(body, { host: 'attacker.example:8080' });
    expect(badHost.status).toBe(403);
    expect(errorOf(badHost).code).toBe(-32600);
    const badOrigin = await post(body, { origin: 'http://attacker.example' });
    expect(badOrigin.status).toBe(403);
    const sameHostOrigin = await post(body, { origin: 'http://127.0.0.1:5173' });
    expect(sameHostOrigin.status).toBe(200);
  });

  it('refuses a JSON-RPC batch on a 2025-11-25 session with -32600 naming the version', async () => {
    const answer = await post(JSON.stringify([{ jsonrpc: '2.0', id: 9, method: 'ping' }]));
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: -32600, message: expect.stringContaining('2025-11-25') });
  });

  it('answers DELETE of an unknown session with 404 and other HTTP methods with 405', async () => {
    const unknown = await rawRequest(rig.url, { method: 'DELETE', headers: { 'mcp-session-id': rig.codec.issue() } });
    expect(unknown.status).toBe(404);
    const put = await rawRequest(rig.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(405);
  });
});
