import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startFastUpstream } from './fast-upstream';
import type { FastUpstream } from './fast-upstream';

const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function initialize(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { result: { protocolVersion: string } };
  expect(body.result.protocolVersion).toBe('2025-06-18');
  return response.headers.get('mcp-session-id') ?? '';
}

describe('fast upstream', () => {
  let upstream: FastUpstream;

  beforeAll(async () => {
    upstream = await startFastUpstream({ toolCount: 12 });
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('serves a real MCP SDK client: tools listed and called over a session', async () => {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(upstream.url('/any/prefix/mcp')));
    await client.connect(transport);
    try {
      expect(transport.sessionId).toBeTruthy();
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['echo', 'add', 'subtract', 'multiply', 'uppercase', 'lowercase', 'reverse', 'length', 'word_count', 'pong', 'echo_11', 'echo_12']);
      const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
      expect(sum.content).toEqual([{ type: 'text', text: '5' }]);
      await client.ping();
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });

  it('refuses requests without a session (400) and with an unknown one (404)', async () => {
    const call = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' });
    expect((await fetch(upstream.url(), { method: 'POST', headers, body: call })).status).toBe(400);
    const unknown = await fetch(upstream.url(), { method: 'POST', headers: { ...headers, 'mcp-session-id': 'nope' }, body: call });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ id: 7, error: { code: -32001 } });
  });

  it('accepts notifications with 202 and forgets a session after DELETE', async () => {
    const sessionId = await initialize(upstream.url());
    const notification = await fetch(upstream.url(), { method: 'POST', headers: { ...headers, 'mcp-session-id': sessionId }, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' });
    expect(notification.status).toBe(202);
    expect((await fetch(upstream.url(), { method: 'DELETE', headers: { 'mcp-session-id': sessionId } })).status).toBe(200);
    expect((await fetch(upstream.url(), { method: 'DELETE', headers: { 'mcp-session-id': sessionId } })).status).toBe(404);
  });

  it('answers an unknown tool with -32602 naming it', async () => {
    const sessionId = await initialize(upstream.url());
    const response = await fetch(upstream.url(), {
      method: 'POST',
      headers: { ...headers, 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'missing', arguments: {} } }),
    });
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32602, message: 'Unknown tool: missing' } });
  });

  it('answers GET with 405: it offers no server-to-client stream', async () => {
    const response = await fetch(upstream.url(), { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
  });
});
