import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { GatewaySessionIdCodec } from '@mcp-gateway/session-store';
import { LATEST_PROTOCOL_VERSION } from '@mcp-gateway/jsonrpc';
import { waitFor } from '@mcp-gateway/testing';
import { BrokerHarness, SPEC_SESSION_SECRET } from './spec-support/broker-harness';
import type { HarnessServer } from './spec-support/broker-harness';
import { SpecUpstreamServer } from './spec-support/spec-upstream-server';

const WEATHER_TOKEN = 'Bearer weather-secret-token-123';

describe('broker federating three upstreams', () => {
  let weather: SpecUpstreamServer;
  let notes: SpecUpstreamServer;
  let plain: SpecUpstreamServer;
  let shadow: SpecUpstreamServer;
  let harness: BrokerHarness;

  beforeAll(async () => {
    weather = await SpecUpstreamServer.start('weather', {
      tools: ['forecast', 'alerts', 'radar'],
      prompts: ['brief'],
      pageSize: 1, // the broker must follow the upstream's cursors
      requiredHeaders: { authorization: WEATHER_TOKEN },
    });
    notes = await SpecUpstreamServer.start('notes', { tools: ['search', 'add'], resources: ['note://1', 'note://2'], resourceTemplates: ['note://{id}'] });
    plain = await SpecUpstreamServer.start('plain', { tools: ['echo', 'search'] });
    shadow = await SpecUpstreamServer.start('shadow', { tools: ['echo', 'whisper'] });
    harness = await BrokerHarness.start(
      [
        { name: 'weather', url: weather.url, prefix: 'wx_', credentialFromEnv: 'WEATHER_TOKEN' },
        { name: 'notes', url: notes.url, prefix: 'notes_' },
        { name: 'plain', url: plain.url },
        { name: 'shadow', url: shadow.url },
      ],
      { env: { WEATHER_TOKEN } },
    );
    await waitFor(async () => {
      const status = (await harness.getJson('/status')).body as { upstreams: Array<{ state: string }> };
      return status.upstreams.every((upstream) => upstream.state === 'ready') ? true : undefined;
    }, { timeoutMs: 10_000, what: 'all upstreams ready' });
  });

  afterAll(async () => {
    await harness?.close();
    for (const server of [weather, notes, plain, shadow]) await server?.stop();
  });

  it('serves an SDK client the federated tools, prompts and resources, following cursors on both sides', async () => {
    const client = new Client({ name: 'spec-client', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${harness.baseUrl}/mcp`)));
    try {
      expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true, listChanged: true } });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['wx_forecast', 'wx_alerts', 'wx_radar', 'notes_search', 'notes_add', 'echo', 'search', 'whisper']);
      const { prompts } = await client.listPrompts();
      expect(prompts.map((prompt) => prompt.name)).toEqual(['wx_brief']);
      const { resources } = await client.listResources();
      expect(resources.map((resource) => resource.uri)).toEqual(['notes_note://1', 'notes_note://2']);
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual(['notes_note://{id}']);
    } finally {
      await client.close();
    }
  });

  it('pages the aggregated list with opaque cursors', async () => {
    const { sessionId } = await harness.initialize();
    const first = await harness.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, sessionId);
    const result = (first.body as { result: { tools: unknown[]; nextCursor?: string } }).result;
    expect(result.tools).toHaveLength(2);
    expect(typeof result.nextCursor).toBe('string');
    expect(await harness.listAll(sessionId)).toHaveLength(8);
    const bad = await harness.post({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { cursor: 'bogus' } }, sessionId);
    expect(bad.body).toMatchObject({ id: 2, error: { code: -32602 } });
  });

  it('issues a session id on initialize that any holder of the secret can verify', async () => {
    const { sessionId, answer } = await harness.initialize('2025-06-18');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(answer.body).toMatchObject({ id: 0, result: { protocolVersion: '2025-06-18', serverInfo: { name: 'mcp-gateway' } } });
    expect(new GatewaySessionIdCodec(SPEC_SESSION_SECRET).verify(sessionId)).toBe(true);
    expect(new GatewaySessionIdCodec('another-secret-that-is-long-enough-0123456789').verify(sessionId)).toBe(false);
  });

  it('answers an unsupported protocol version with the latest one it speaks', async () => {
    const { answer } = await harness.initialize('1999-01-01');
    expect(answer.body).toMatchObject({ result: { protocolVersion: LATEST_PROTOCOL_VERSION } });
  });

  it('answers ping, logging/setLevel, notifications and unknown methods as the spec says', async () => {
    const { sessionId } = await harness.initialize();
    expect((await harness.post({ jsonrpc: '2.0', id: 'p', method: 'ping' }, sessionId)).body).toEqual({ jsonrpc: '2.0', id: 'p', result: {} });
    expect((await harness.post({ jsonrpc: '2.0', id: 3, method: 'logging/setLevel', params: { level: 'warning' } }, sessionId)).body).toMatchObject({ result: {} });
    expect((await harness.post({ jsonrpc: '2.0', id: 4, method: 'logging/setLevel', params: { level: 'loud' } }, sessionId)).body).toMatchObject({ error: { code: -32602 } });
    const notification = await harness.post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
    expect(notification.status).toBe(202);
    expect(notification.text).toBe('');
    const unknown = await harness.post({ jsonrpc: '2.0', id: 5, method: 'tools/teleport' }, sessionId);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ id: 5, error: { code: -32601 } });
  });

  it('refuses requests without a session (400) and with a forged one (404)', async () => {
    const missing = await harness.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ id: 1, error: { code: -32600 } });
    const forged = await harness.post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, 'forged-session-id');
    expect(forged.status).toBe(404);
    const parseError = await harness.post('{not json', (await harness.initialize()).sessionId);
    expect(parseError.status).toBe(400);
    expect(parseError.body).toMatchObject({ error: { code: -32700 } });
  });

  it('answers a batch of gateway methods with a batch', async () => {
    const { sessionId } = await harness.initialize('2025-03-26');
    const answer = await harness.post(
      [
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'prompts/list' },
      ],
      sessionId,
    );
    expect(answer.body).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 2, result: { prompts: [{ name: 'wx_brief', description: 'brief from weather' }] } },
    ]);
  });

  it('reports every upstream, the conflict and no credential on /status', async () => {
    const { status, body, text } = await harness.getJson('/status');
    expect(status).toBe(200);
    const report = body as {
      upstreams: Array<{ name: string; url: string; state: string; protocolVersion: string; counts: Record<string, number>; lastConnectedAt: string; lastError?: string }>;
      conflicts: unknown[];
    };
    expect(report.upstreams.map((upstream) => [upstream.name, upstream.state])).toEqual([
      ['weather', 'ready'],
      ['notes', 'ready'],
      ['plain', 'ready'],
      ['shadow', 'ready'],
    ]);
    expect(report.upstreams[0]).toMatchObject({ url: weather.url, protocolVersion: '2025-11-25', counts: { tools: 3, prompts: 1, resources: 0, resourceTemplates: 0 } });
    expect(report.upstreams[1]?.counts).toEqual({ tools: 2, prompts: 0, resources: 2, resourceTemplates: 1 });
    expect(Date.parse(report.upstreams[0]?.lastConnectedAt ?? '')).not.toBeNaN();
    expect(report.conflicts).toEqual([{ kind: 'tool', gatewayKey: 'echo', keptServer: 'plain', droppedServer: 'shadow' }]);
    expect(text).not.toContain('weather-secret-token');
    expect(harness.log.text()).not.toContain('weather-secret-token');
  });

  it('streams the routing table over gRPC at once on Watch', async () => {
    const watch = harness.watch('router-1');
    const snapshot = await waitFor(() => watch.latest(), { timeoutMs: 5_000, what: 'snapshot' });
    expect(snapshot.tools.map((tool) => `${tool.gateway_name}>${tool.server}/${tool.upstream_name}`)).toEqual([
      'wx_forecast>weather/forecast',
      'wx_alerts>weather/alerts',
      'wx_radar>weather/radar',
      'notes_search>notes/search',
      'notes_add>notes/add',
      'echo>plain/echo',
      'search>plain/search',
      'whisper>shadow/whisper',
    ]);
    expect(snapshot.resources).toEqual([
      { gateway_uri: 'notes_note://1', server: 'notes', upstream_uri: 'note://1' },
      { gateway_uri: 'notes_note://2', server: 'notes', upstream_uri: 'note://2' },
    ]);
    expect(JSON.stringify(snapshot)).not.toContain('weather-secret-token');
    const status = (await harness.getJson('/status')).body as { routers: Array<{ routerId: string }> };
    expect(status.routers.map((router) => router.routerId)).toContain('router-1');
  });

  it('serves health, readiness and metrics on the same port', async () => {
    expect((await harness.getJson('/healthz')).status).toBe(200);
    expect((await harness.getJson('/readyz')).status).toBe(200);
    const metrics = await harness.getJson('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('mcp_gateway_broker_upstreams{state="ready",service="broker"} 4');
    expect(metrics.text).toMatch(/mcp_gateway_broker_catalog_entries\{kind="tools",service="broker"\} 8/);
  });

  it('closes the session streams on DELETE', async () => {
    const { sessionId } = await harness.initialize();
    const stream = await harness.openStream(sessionId);
    const response = await fetch(`${harness.baseUrl}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': sessionId } });
    expect(response.status).toBe(200);
    await stream.ended;
    const status = (await harness.getJson('/status')).body as { notificationStreams: number };
    expect(status.notificationStreams).toBe(0);
  });

  it('sends keep-alive comments on an idle GET stream', async () => {
    const { sessionId } = await harness.initialize();
    const stream = await harness.openStream(sessionId);
    await waitFor(() => (stream.raw().includes(': keep-alive') ? true : undefined), { timeoutMs: 3_000, what: 'keep-alive comment' });
    stream.close();
  });
});

describe('broker when upstreams change', () => {
  const upstreams: SpecUpstreamServer[] = [];
  let harness: BrokerHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    for (const server of upstreams.splice(0)) await server.stop();
  });

  async function start(definitions: Array<[string, string[]]>, extra: HarnessServer[] = []) {
    const servers: HarnessServer[] = [];
    for (const [name, tools] of definitions) {
      const upstream = await SpecUpstreamServer.start(name, { tools });
      upstreams.push(upstream);
      servers.push({ name, url: upstream.url, prefix: `${name}_` });
    }
    harness = await BrokerHarness.start([...servers, ...extra], { listPageSize: 50 });
    const running = harness;
    await waitFor(async () => ((await running.getJson('/status')).body as { catalog: { tools: number } }).catalog.tools > 0 ? true : undefined, {
      timeoutMs: 10_000,
      what: 'catalog filled',
    });
    return { harness: running, servers };
  }

  const listChangedCount = (messages: Array<{ method?: string }>) => messages.filter((message) => message.method === 'notifications/tools/list_changed').length;

  it('drops a killed upstream, pushes a snapshot, tells GET streams within 5 s, and takes it back when it returns', async () => {
    const { harness } = await start([
      ['alpha', ['one', 'two']],
      ['beta', ['three']],
    ]);
    const [alpha] = upstreams;
    const { sessionId } = await harness.initialize();
    const stream = await harness.openStream(sessionId);
    const watch = harness.watch();
    await waitFor(() => watch.latest(), { timeoutMs: 5_000, what: 'snapshot' });
    expect(await harness.listAll(sessionId)).toEqual(['alpha_one', 'alpha_two', 'beta_three']);

    const killedAt = Date.now();
    await alpha?.stop();
    await waitFor(() => (listChangedCount(stream.messages) >= 1 ? true : undefined), { timeoutMs: 5_000, what: 'list_changed on the GET stream' });
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(await harness.listAll(sessionId)).toEqual(['beta_three']);
    const afterKill = await waitFor(() => (watch.latest()?.tools.length === 1 ? watch.latest() : undefined), { timeoutMs: 5_000, what: 'snapshot without alpha' });
    expect(afterKill.servers.find((server) => server.name === 'alpha')?.state).not.toBe('ready');
    const status = (await harness.getJson('/status')).body as { upstreams: Array<{ name: string; state: string; lastError?: string }> };
    expect(status.upstreams.find((upstream) => upstream.name === 'alpha')).toMatchObject({ state: expect.stringMatching(/failed|connecting/) });
    expect(status.upstreams.find((upstream) => upstream.name === 'beta')?.state).toBe('ready');

    await alpha?.restart();
    await waitFor(() => (watch.latest()?.tools.length === 3 ? true : undefined), { timeoutMs: 5_000, what: 'alpha back in the snapshot' });
    expect(await harness.listAll(sessionId)).toEqual(['alpha_one', 'alpha_two', 'beta_three']);
    await waitFor(() => (listChangedCount(stream.messages) >= 2 ? true : undefined), { timeoutMs: 5_000, what: 'second list_changed' });
  });

  it('re-lists an upstream that announces list_changed and passes the news on', async () => {
    const { harness } = await start([['gamma', ['a']]]);
    const { sessionId } = await harness.initialize();
    const stream = await harness.openStream(sessionId);
    await upstreams[0]?.setTools(['a', 'b']);
    await waitFor(() => (listChangedCount(stream.messages) >= 1 ? true : undefined), { timeoutMs: 5_000, what: 'list_changed' });
    expect(await harness.listAll(sessionId)).toEqual(['gamma_a', 'gamma_b']);
  });

  it('follows the configuration file: adds, removes, and survives a broken file', async () => {
    const { harness, servers } = await start([
      ['delta', ['d']],
      ['epsilon', ['e']],
    ]);
    const { sessionId } = await harness.initialize();
    const stream = await harness.openStream(sessionId);
    const zeta = await SpecUpstreamServer.start('zeta', { tools: ['z'] });
    upstreams.push(zeta);

    await harness.writeConfig([...servers, { name: 'zeta', url: zeta.url, prefix: 'zeta_' }]);
    await waitFor(async () => ((await harness.listAll(sessionId)).includes('zeta_z') ? true : undefined), { timeoutMs: 5_000, what: 'zeta added' });
    expect(await harness.listAll(sessionId)).toEqual(['delta_d', 'epsilon_e', 'zeta_z']);
    await waitFor(() => (listChangedCount(stream.messages) >= 1 ? true : undefined), { timeoutMs: 5_000, what: 'list_changed after add' });

    await harness.writeConfig([servers[1] as HarnessServer, { name: 'zeta', url: zeta.url, prefix: 'zeta_' }]);
    await waitFor(async () => ((await harness.listAll(sessionId)).includes('delta_d') ? undefined : true), { timeoutMs: 5_000, what: 'delta removed' });
    expect(await harness.listAll(sessionId)).toEqual(['epsilon_e', 'zeta_z']);

    await harness.writeRawConfig('servers: [ this is : not valid');
    await waitFor(() => (harness.log.text().includes('configuration file is invalid') ? true : undefined), { timeoutMs: 5_000, what: 'invalid config logged' });
    expect(await harness.listAll(sessionId)).toEqual(['epsilon_e', 'zeta_z']);
    const status = (await harness.getJson('/status')).body as { upstreams: Array<{ name: string }> };
    expect(status.upstreams.map((upstream) => upstream.name)).toEqual(['epsilon', 'zeta']);
  });

  it('shows a disabled server on /status without connecting to it', async () => {
    const idle = await SpecUpstreamServer.start('idle', { tools: ['nap'] });
    upstreams.push(idle);
    const { harness } = await start([['eta', ['x']]], [{ name: 'idle', url: idle.url, enabled: false }]);
    const status = (await harness.getJson('/status')).body as { upstreams: Array<{ name: string; state: string }> };
    expect(status.upstreams).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'idle', state: 'disabled' })]));
    expect(idle.receivedHeaders).toHaveLength(0);
  });

  it('stays ready while every upstream is down', async () => {
    const { harness } = await start([['theta', ['t']]]);
    await upstreams[0]?.stop();
    await waitFor(async () => ((await harness.getJson('/status')).body as { catalog: { tools: number } }).catalog.tools === 0 ? true : undefined, {
      timeoutMs: 5_000,
      what: 'theta gone',
    });
    expect((await harness.getJson('/readyz')).status).toBe(200);
    const { sessionId } = await harness.initialize();
    expect(await harness.listAll(sessionId)).toEqual([]);
  });
});
