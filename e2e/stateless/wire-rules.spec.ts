// Issue 7, what a stateless-era (MCP 2026-07-28) client sees on the wire, checked with raw
// HTTP against the real gateway processes: `server/discover`, caching hints computed from
// the upstreams' own, the mirrored-header rules (Mcp-Method / Mcp-Name / MCP-Protocol-Version
// against the body → -32020), the per-request `_meta` (→ -32602), unsupported versions
// (→ -32022), removed methods (→ 404), `subscriptions/listen`, and an upstream of an unknown
// future revision reported in /status and left out while the rest keeps working.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { startGatewayProcesses, type GatewayProcesses } from '../gateway/support/gateway-processes';
import { FUTURE_PROTOCOL_VERSION, startStatelessFutureServer, type StatelessFutureServer } from '../servers/stateless-future-server';
import { startStatelessTestServer, type StatelessTestServer } from '../servers/stateless-test-server';
import { envelope, postWire, standardHeaders } from './support/stateless-post';

jest.setTimeout(60_000);

let alpha: StatelessTestServer;
let beta: StatelessTestServer;
let future: StatelessFutureServer;
let gateway: GatewayProcesses;

beforeAll(async () => {
  // Two stateless upstreams with different hints, so the gateway's own are visibly computed.
  alpha = await startStatelessTestServer({
    name: 'alpha',
    cacheHints: {
      'server/discover': { ttlMs: 300_000, cacheScope: 'public' },
      'tools/list': { ttlMs: 60_000, cacheScope: 'public' },
      'prompts/list': { ttlMs: 120_000, cacheScope: 'public' },
    },
  });
  beta = await startStatelessTestServer({
    name: 'beta',
    cacheHints: {
      'server/discover': { ttlMs: 300_000, cacheScope: 'public' },
      'tools/list': { ttlMs: 30_000, cacheScope: 'private' },
      'prompts/list': { ttlMs: 90_000, cacheScope: 'public' },
    },
  });
  future = await startStatelessFutureServer();
  gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'alpha', url: alpha.url, prefix: 'a_' },
        { name: 'beta', url: beta.url, prefix: 'b_' },
        { name: 'future', url: future.url, prefix: 'f_' },
      ],
    },
  });
  await gateway.waitForUpstreamsReady(['alpha', 'beta']);
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await alpha?.close();
  await beta?.close();
  await future?.close();
});

function post(method: string, params: Record<string, unknown>, headers: Record<string, string> = {}, id: number | string = 1) {
  return postWire(gateway.url, { ...standardHeaders(method, typeof params['name'] === 'string' ? params['name'] : (params['uri'] as string | undefined)), ...headers }, {
    jsonrpc: '2.0',
    id,
    method,
    params: { _meta: envelope(), ...params },
  });
}

describe('server/discover and cacheable results', () => {
  it('answers server/discover with its versions, capabilities aggregated from the upstreams, its identity and caching hints', async () => {
    const answer = await post('server/discover', {});
    expect(answer.status).toBe(200);
    expect(answer.headers.get('mcp-session-id')).toBeNull();
    expect(answer.body).toMatchObject({
      id: 1,
      result: {
        resultType: 'complete',
        supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'],
        capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true } },
        cacheScope: 'public',
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'mcp-gateway' } },
      },
    });
    // Both ready upstreams granted 300 s; the gateway passes on what is left of it.
    expect((answer.body?.['result'] as { ttlMs: number }).ttlMs).toBeGreaterThan(200_000);
    expect((answer.body?.['result'] as { ttlMs: number }).ttlMs).toBeLessThanOrEqual(300_000);
  });

  it('gives each aggregated list the shortest freshness left among its upstreams, private if any says so', async () => {
    const tools = (await post('tools/list', {})).body?.['result'] as Record<string, unknown>;
    expect(tools['resultType']).toBe('complete');
    expect(tools['cacheScope']).toBe('private');
    expect(tools['ttlMs']).toBeGreaterThan(0);
    expect(tools['ttlMs']).toBeLessThanOrEqual(30_000);
    const prompts = (await post('prompts/list', {})).body?.['result'] as Record<string, unknown>;
    expect(prompts['cacheScope']).toBe('public');
    expect(prompts['ttlMs']).toBeGreaterThan(30_000);
    expect(prompts['ttlMs']).toBeLessThanOrEqual(90_000);
  });

  it('passes a stateless upstream\'s resources/read answer with its hints and the gateway URI', async () => {
    const read = await post('resources/read', { uri: 'a_stateless://static' });
    expect(read.body?.['result']).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'private', contents: [{ uri: 'a_stateless://static' }] });
  });
});

describe('header and _meta rules (MCP 2026-07-28 "Server Validation")', () => {
  it('refuses an Mcp-Name that disagrees with the body with 400 and -32020, before any upstream sees it', async () => {
    const seen = alpha.received().length;
    const answer = await post('tools/call', { name: 'a_echo', arguments: { text: 'x' } }, { 'mcp-name': 'b_echo' }, 41);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ id: 41, error: { code: -32020 } });
    expect(alpha.received().length).toBe(seen);
  });

  it('refuses a missing Mcp-Method, a missing Mcp-Name and a mismatched Mcp-Method with -32020', async () => {
    const noMethod = await postWire(gateway.url, { ...standardHeaders('tools/list'), 'mcp-method': '' }, { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: envelope() } });
    expect(noMethod.body).toMatchObject({ error: { code: -32020 } });
    const headers = standardHeaders('tools/call');
    const noName = await postWire(gateway.url, headers, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'a_echo', arguments: { text: 'x' }, _meta: envelope() } });
    expect(noName.status).toBe(400);
    expect(noName.body).toMatchObject({ id: 3, error: { code: -32020 } });
    const wrongMethod = await post('tools/list', {}, { 'mcp-method': 'prompts/list' }, 4);
    expect(wrongMethod.status).toBe(400);
    expect(wrongMethod.body).toMatchObject({ id: 4, error: { code: -32020 } });
  });

  it('refuses an MCP-Protocol-Version header that disagrees with _meta with -32020', async () => {
    const answer = await postWire(gateway.url, standardHeaders('tools/list'), {
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/list',
      params: { _meta: envelope({ 'io.modelcontextprotocol/protocolVersion': '2025-11-25' }) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ id: 5, error: { code: -32020 } });
  });

  it('accepts an Mcp-Name in the Base64 sentinel form and routes on the decoded name', async () => {
    const encoded = `=?base64?${Buffer.from('a_echo', 'utf8').toString('base64')}?=`;
    const answer = await post('tools/call', { name: 'a_echo', arguments: { text: 'decoded' } }, { 'mcp-name': encoded }, 6);
    expect(answer.status).toBe(200);
    expect(answer.body?.['result']).toMatchObject({ content: [{ type: 'text', text: 'decoded' }] });
  });

  it('refuses a request without the required _meta fields with 400 and -32602', async () => {
    const noMeta = await postWire(gateway.url, standardHeaders('tools/list'), { jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} });
    expect(noMeta.status).toBe(400);
    expect(noMeta.body).toMatchObject({ id: 7, error: { code: -32602 } });
    const noCapabilities = await postWire(gateway.url, standardHeaders('tools/list'), {
      jsonrpc: '2.0',
      id: 8,
      method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } },
    });
    expect(noCapabilities.status).toBe(400);
    expect(noCapabilities.body).toMatchObject({ id: 8, error: { code: -32602 } });
  });

  it('answers a version it does not speak with 400 and -32022 naming the versions it does, with the request id', async () => {
    const answer = await postWire(gateway.url, { ...standardHeaders('tools/list'), 'mcp-protocol-version': FUTURE_PROTOCOL_VERSION }, {
      jsonrpc: '2.0',
      id: 9,
      method: 'tools/list',
      params: { _meta: envelope({ 'io.modelcontextprotocol/protocolVersion': FUTURE_PROTOCOL_VERSION }) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ id: 9, error: { code: -32022, data: { requested: FUTURE_PROTOCOL_VERSION } } });
    expect((answer.body?.['error'] as { data: { supported: string[] } }).data.supported).toContain('2026-07-28');
  });

  it('answers methods the stateless era removed with 404 and -32601', async () => {
    for (const [index, method] of ['ping', 'logging/setLevel', 'initialize', 'resources/subscribe'].entries()) {
      const params = method === 'resources/subscribe' ? { uri: 'a_stateless://static' } : {};
      const answer = await post(method, params, method === 'resources/subscribe' ? {} : {}, 20 + index);
      expect({ method, status: answer.status }).toEqual({ method, status: 404 });
      expect(answer.body).toMatchObject({ id: 20 + index, error: { code: -32601 } });
    }
  });

  it('passes Mcp-Param-* headers to the upstream and names the upstream tool in Mcp-Name', async () => {
    const answer = await post('tools/call', { name: 'a_echo_headers', arguments: {} }, { 'mcp-param-region': 'eu-west' }, 30);
    const headers = JSON.parse(((answer.body?.['result'] as { content: Array<{ text: string }> }).content[0] as { text: string }).text) as Record<string, string>;
    expect(headers).toMatchObject({ 'mcp-name': 'echo_headers', 'mcp-method': 'tools/call', 'mcp-param-region': 'eu-west', 'mcp-protocol-version': '2026-07-28' });
    expect(headers['mcp-session-id']).toBeUndefined();
  });
});

describe('subscriptions/listen', () => {
  it('acknowledges first, then tells the stream when an upstream adds a tool', async () => {
    const controller = new AbortController();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: standardHeaders('subscriptions/listen'),
      body: JSON.stringify({ jsonrpc: '2.0', id: 'listen-1', method: 'subscriptions/listen', params: { _meta: envelope(), notifications: { toolsListChanged: true, resourceSubscriptions: ['a_stateless://static'] } } }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const read = async (until: (received: string) => boolean): Promise<void> => {
      while (!until(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    try {
      await read((received) => received.includes('acknowledged'));
      const first = JSON.parse(text.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? '{}') as Record<string, unknown>;
      expect(first).toMatchObject({
        method: 'notifications/subscriptions/acknowledged',
        params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen-1' }, notifications: { toolsListChanged: true } },
      });
      // Not offered: resource subscriptions are left out of the acknowledgment.
      expect((first['params'] as { notifications: Record<string, unknown> }).notifications['resourceSubscriptions']).toBeUndefined();
      alpha.addTool('fresh_tool');
      await read((received) => received.includes('notifications/tools/list_changed'));
      expect(text).toContain('"io.modelcontextprotocol/subscriptionId":"listen-1"');
      const tools = ((await post('tools/list', {})).body?.['result'] as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
      expect(tools).toContain('a_fresh_tool');
    } finally {
      controller.abort();
    }
  });
});

describe('an upstream of an unknown future protocol revision', () => {
  it('is reported in /status with the versions it offered, its entries left out, and the rest keeps working', async () => {
    const status = await waitFor(async () => {
      const current = await gateway.status();
      const row = current.upstreams.find((upstream) => upstream.name === 'future');
      return row?.state === 'failed' && row.lastError !== undefined ? current : undefined;
    }, { what: 'the future upstream to be reported' });
    const row = status.upstreams.find((upstream) => upstream.name === 'future') as unknown as Record<string, unknown>;
    expect(row['lastError']).toContain(FUTURE_PROTOCOL_VERSION);
    expect(row['supportedVersions']).toEqual([FUTURE_PROTOCOL_VERSION]);
    expect(future.receivedMethods()).toContain('server/discover');
    expect(future.receivedMethods()).not.toContain('tools/list');
    const tools = ((await post('tools/list', {})).body?.['result'] as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
    expect(tools.some((name) => name.startsWith('f_'))).toBe(false);
    const echo = await post('tools/call', { name: 'b_echo', arguments: { text: 'still here' } });
    expect(echo.body?.['result']).toMatchObject({ content: [{ text: 'still here' }] });
  });
});
