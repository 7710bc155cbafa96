// The broker's answers to stateless-era (MCP 2026-07-28) requests, reached as the router
// passes them on: no session, per-request `_meta`, results with resultType, caching hints
// and the gateway's identity. A real broker in front of real SDK upstreams.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { BrokerHarness } from '../spec-support/broker-harness';
import { SpecUpstreamServer } from '../spec-support/spec-upstream-server';

const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

let upstream: SpecUpstreamServer;
let harness: BrokerHarness;

beforeAll(async () => {
  upstream = await SpecUpstreamServer.start('weather', { tools: ['forecast', 'alerts', 'radar'], prompts: ['brief'] });
  harness = await BrokerHarness.start([{ name: 'weather', url: upstream.url, prefix: 'wx_' }], { listPageSize: 2 });
  await waitFor(async () => {
    const status = (await harness.getJson('/status')).body as { upstreams: Array<{ state: string }> };
    return status.upstreams.every((row) => row.state === 'ready') ? true : undefined;
  }, { timeoutMs: 10_000, what: 'the upstream to be ready' });
});

afterAll(async () => {
  await harness?.close();
  await upstream?.stop();
});

async function post(method: string, params: Record<string, unknown> = {}, httpMethod = 'POST'): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const response = await fetch(`${harness.baseUrl}/mcp`, {
    method: httpMethod,
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': method },
    ...(httpMethod === 'POST' ? { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { _meta: META, ...params } }) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('stateless-era requests on the broker', () => {
  it('answers server/discover without a session, with the capabilities the ready upstream offers', async () => {
    const { status, body } = await post('server/discover');
    expect(status).toBe(200);
    expect(body?.['result']).toMatchObject({
      resultType: 'complete',
      supportedVersions: expect.arrayContaining(['2026-07-28', '2025-11-25']),
      capabilities: { tools: { listChanged: true }, prompts: { listChanged: true } },
      ttlMs: 0,
      cacheScope: 'public',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'mcp-gateway' } },
    });
  });

  it('puts resultType, caching hints and its identity on every page of a list, cursors included', async () => {
    const first = (await post('tools/list')).body?.['result'] as Record<string, unknown>;
    expect(first).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'public', tools: [{ name: 'wx_forecast' }, { name: 'wx_alerts' }] });
    const second = (await post('tools/list', { cursor: first['nextCursor'] })).body?.['result'] as Record<string, unknown>;
    expect(second).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'public', tools: [{ name: 'wx_radar' }] });
    expect(second['_meta']).toEqual(first['_meta']);
  });

  it('answers methods the stateless era removed, and unknown ones, with 404 and -32601', async () => {
    for (const method of ['ping', 'initialize', 'logging/setLevel', 'no/such']) {
      const { status, body } = await post(method);
      expect({ method, status, code: (body?.['error'] as { code: number }).code }).toEqual({ method, status: 404, code: -32601 });
    }
  });

  it('has no GET stream and no DELETE for the stateless era (405)', async () => {
    expect((await post('server/discover', {}, 'GET')).status).toBe(405);
    expect((await post('server/discover', {}, 'DELETE')).status).toBe(405);
  });
});
