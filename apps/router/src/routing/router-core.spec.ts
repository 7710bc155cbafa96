import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { parseGatewayConfig } from '@mcp-gateway/config';
import { GatewaySessionIdCodec, InMemorySessionStore } from '@mcp-gateway/session-store';
import { pino } from 'pino';
import { HostOriginPolicy } from '../inbound/host-origin-policy';
import { InFlightRoutedRequests } from '../session/in-flight-routed-requests';
import { SessionGate } from '../session/session-gate';
import { InMemoryServerRequestIdMapper } from '@mcp-gateway/id-mapper';
import { ServerRequestRemapper } from '../upstream/server-request-remapper';
import { UpstreamEndpoints } from '../upstream/upstream-endpoints';
import { UpstreamEventStreams } from '../upstream/upstream-event-streams';
import { UpstreamSessionOpener } from '../upstream/upstream-session-opener';
import { UpstreamSessions } from '../upstream/upstream-sessions';
import type { ImmediateAnswer, InboundRequest, RouteDecision, UpstreamForward } from './route-decision';
import { RouterCore } from './router-core';
import { RoutingTable } from './routing-table';

// The core decides without any face: these specs give it requests as data and read the
// decisions, as an Envoy ext_proc face will.

const config = parseGatewayConfig(
  [
    'servers:',
    '  - name: weather',
    '    url: http://127.0.0.1:9/mcp',
    '    prefix: weather_',
    '    credential: { header: Authorization, value: "Bearer upstream-secret" }',
    '    headers: { X-Team: platform }',
    '  - name: files',
    '    url: http://127.0.0.1:9/files',
  ].join('\n'),
  {},
);

const table = RoutingTable.fromSnapshot({
  version: 1n,
  servers: [
    { name: 'weather', url: 'http://127.0.0.1:9/mcp', prefix: 'weather_', state: 'ready', protocolVersion: '2025-11-25' },
    { name: 'files', url: 'http://127.0.0.1:9/files', prefix: '', state: 'ready', protocolVersion: '2025-11-25' },
  ],
  tools: [
    { gatewayName: 'weather_forecast', server: 'weather', upstreamName: 'forecast' },
    { gatewayName: 'read_file', server: 'files', upstreamName: 'read_file' },
  ],
  prompts: [{ gatewayName: 'weather_summary', server: 'weather', upstreamName: 'summary' }],
  resources: [{ gatewayUri: 'weather_file:///stations.csv', server: 'weather', upstreamUri: 'file:///stations.csv' }],
  resourceTemplates: [],
});

const HEADERS = { host: '127.0.0.1:8080', accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

describe('RouterCore decisions', () => {
  let store: InMemorySessionStore;
  let codec: GatewaySessionIdCodec;
  let endpoints: UpstreamEndpoints;
  let mapper: InMemoryServerRequestIdMapper;
  let core: RouterCore;
  let sessionId: string;

  const post = (body: unknown, headers: Record<string, string> = {}): Promise<RouteDecision> => {
    const request: InboundRequest = {
      httpMethod: 'POST',
      authority: headers['host'] ?? HEADERS.host,
      headers: { ...HEADERS, 'mcp-session-id': sessionId, ...headers },
      body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    };
    return core.decide(request);
  };

  beforeEach(async () => {
    const logger = pino({ enabled: false });
    store = new InMemorySessionStore();
    codec = new GatewaySessionIdCodec(randomBytes(32));
    endpoints = new UpstreamEndpoints({ logger, credentialRefreshMs: 0 });
    await endpoints.configure(config.servers);
    const gate = new SessionGate(codec, store, 60_000);
    mapper = new InMemoryServerRequestIdMapper();
    core = new RouterCore({
      routingTable: { current: () => table },
      gate,
      upstreamSessions: new UpstreamSessions({
        store,
        gate,
        opener: new UpstreamSessionOpener({ connectTimeoutMs: 1000 }),
        idleTtlMs: 60_000,
        connectTimeoutMs: 1000,
      }),
      endpoints,
      inFlight: new InFlightRoutedRequests(),
      serverRequests: new ServerRequestRemapper(mapper, 60_000),
      eventStreams: new UpstreamEventStreams({ connectTimeoutMs: 1000, lingerMs: 1000, logger }),
      hostOriginPolicy: new HostOriginPolicy(config.security),
      maxRequestBodyBytes: 1024,
      logger,
    });
    sessionId = codec.issue();
    await store.createSession(
      sessionId,
      { protocolVersion: '2025-11-25', clientCapabilities: {}, clientInfo: { name: 'spec', version: '1' }, createdAtMs: Date.now() },
      60_000,
    );
    // Upstream sessions already open, so no decision below needs the network.
    await store.setUpstreamSession(sessionId, 'weather', 'upstream-weather-1');
    await store.setUpstreamSession(sessionId, 'files', 'upstream-files-1');
  });

  afterEach(async () => {
    await core.close();
    await mapper.close();
    await endpoints.close();
    await store.close();
  });

  it('forwards the very same body bytes when the routed name does not change', async () => {
    const request: InboundRequest = {
      httpMethod: 'POST',
      authority: HEADERS.host,
      headers: { ...HEADERS, 'mcp-session-id': sessionId },
      body: Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/a"}}}'),
    };
    const decision = (await core.decide(request)) as UpstreamForward;
    expect(decision.kind).toBe('upstream');
    expect(decision.body).toBe(request.body);
    expect(decision.serverName).toBe('files');
  });

  it('rewrites only the routed name of a prefixed call', async () => {
    const message = { jsonrpc: '2.0', id: 'call-7', method: 'tools/call', params: { name: 'weather_forecast', arguments: { city: 'Paris' }, _meta: { progressToken: 3 } } };
    const decision = (await post(message)) as UpstreamForward;
    expect(decision.kind).toBe('upstream');
    expect(JSON.parse(String(decision.body))).toEqual({ ...message, params: { ...message.params, name: 'forecast' } });
    expect(decision.requestId).toBe('call-7');
  });

  it('sends the upstream session id, the protocol version, this process\'s credentials and trace context — never the client\'s credentials', async () => {
    const decision = (await post(
      { jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'weather_summary' } },
      { 'mcp-protocol-version': '2025-11-25', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', authorization: 'Bearer client-token' },
    )) as UpstreamForward;
    expect(decision.headers).toMatchObject({
      'mcp-session-id': 'upstream-weather-1',
      'mcp-protocol-version': '2025-11-25',
      Authorization: 'Bearer upstream-secret',
      'X-Team': 'platform',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(Object.values(decision.headers)).not.toContain('Bearer client-token');
  });

  it('routes completion/complete by its prompt reference, and sends it to the broker without one', async () => {
    const routed = (await post({
      jsonrpc: '2.0',
      id: 2,
      method: 'completion/complete',
      params: { ref: { type: 'ref/prompt', name: 'weather_summary' }, argument: { name: 'city', value: 'Pa' } },
    })) as UpstreamForward;
    expect(routed.kind).toBe('upstream');
    expect(JSON.parse(String(routed.body)).params.ref).toEqual({ type: 'ref/prompt', name: 'summary' });
    const unreferenced = await post({ jsonrpc: '2.0', id: 3, method: 'completion/complete', params: { argument: { name: 'x', value: '' } } });
    expect(unreferenced).toMatchObject({ kind: 'broker', requestId: 3 });
  });

  it('sends everything the gateway answers to the broker', async () => {
    for (const message of [
      { jsonrpc: '2.0', id: 4, method: 'ping' },
      { jsonrpc: '2.0', id: 5, method: 'tools/list' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'not-running' } },
      { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
    ]) {
      expect(await post(message)).toMatchObject({ kind: 'broker', longLived: false });
    }
  });

  it('refuses a client answer that names no pending server request, with 400 and an id-less JSON-RPC error', async () => {
    for (const answer of [
      { jsonrpc: '2.0', id: 6, result: {} },
      { jsonrpc: '2.0', id: 'AAAAAAAAAAAAAAAAAAAAAA', result: {} },
      { jsonrpc: '2.0', id: 7, error: { code: -1, message: 'no' } },
    ]) {
      const decision = (await post(answer)) as ImmediateAnswer;
      expect(decision).toMatchObject({ kind: 'answer', status: 400 });
      expect(JSON.parse(decision.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    }
  });

  it('sends notifications/cancelled for a routed request in flight to its upstream', async () => {
    const call = (await post({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'weather_forecast', arguments: {} } })) as UpstreamForward;
    const cancel = await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 42 } });
    expect(cancel).toMatchObject({ kind: 'upstream', serverName: 'weather', upstreamSessionId: 'upstream-weather-1', renewable: false });
    core.upstreamCallFinished(call);
    expect(await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 42 } })).toMatchObject({ kind: 'broker' });
    // "42" (a string) is another request than 42.
    await post({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'weather_forecast', arguments: {} } });
    expect(await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: '42' } })).toMatchObject({ kind: 'broker' });
  });

  it('gives an upstream\'s request during a call a gateway id, and returns the client\'s answer to that upstream under the upstream\'s id', async () => {
    const call = (await post({ jsonrpc: '2.0', id: 'call-1', method: 'tools/call', params: { name: 'weather_forecast', arguments: {} } })) as UpstreamForward;
    const asked = await core.rewriteUpstreamEvent(call, JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'elicitation/create', params: { message: 'city?' } }));
    const gatewayId = JSON.parse(asked ?? '{}').id as string;
    expect(gatewayId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Notifications and results pass unchanged.
    expect(await core.rewriteUpstreamEvent(call, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }))).toBeUndefined();

    const answer = (await post({ jsonrpc: '2.0', id: gatewayId, result: { action: 'accept', content: { city: 'Oslo' } } })) as UpstreamForward;
    expect(answer).toMatchObject({ kind: 'upstream', serverName: 'weather', upstreamSessionId: 'upstream-weather-1', renewable: false });
    expect(JSON.parse(String(answer.body))).toEqual({ jsonrpc: '2.0', id: 0, result: { action: 'accept', content: { city: 'Oslo' } } });
    // An id can be answered once; a second answer (or an id never issued) reaches nobody.
    expect(await post({ jsonrpc: '2.0', id: gatewayId, result: {} })).toMatchObject({ kind: 'answer', status: 400 });
    expect(await post({ jsonrpc: '2.0', id: 'AAAAAAAAAAAAAAAAAAAAAA', result: {} })).toMatchObject({ kind: 'answer', status: 400 });
  });

  it('gives resources/read results through a prefixed server their gateway URIs back', async () => {
    const read = (await post({ jsonrpc: '2.0', id: 9, method: 'resources/read', params: { uri: 'weather_file:///stations.csv' } })) as UpstreamForward;
    expect(read.resultUriPrefix).toBe('weather_');
    expect(JSON.parse(String(read.body)).params.uri).toBe('file:///stations.csv');
    const upstreamAnswer = { jsonrpc: '2.0', id: 9, result: { contents: [{ uri: 'file:///stations.csv', text: 'id,name' }] } };
    const expected = { jsonrpc: '2.0', id: 9, result: { contents: [{ uri: 'weather_file:///stations.csv', text: 'id,name' }] } };
    expect(JSON.parse(core.rewriteUpstreamAnswer(read, Buffer.from(JSON.stringify(upstreamAnswer))) ?? '{}')).toEqual(expected);
    expect(JSON.parse((await core.rewriteUpstreamEvent(read, JSON.stringify(upstreamAnswer))) ?? '{}')).toEqual(expected);
    // Errors pass unchanged; tools get no URI rewriting.
    expect(core.rewriteUpstreamAnswer(read, Buffer.from('{"jsonrpc":"2.0","id":9,"error":{"code":-32002,"message":"gone"}}'))).toBeUndefined();
    const call = (await post({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'weather_forecast', arguments: {} } })) as UpstreamForward;
    expect(call.resultUriPrefix).toBeUndefined();
  });

  it('passes initialize to the broker and records the session from the broker\'s answer', async () => {
    const decision = await post(
      { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, clientInfo: { name: 'ide', version: '9' } } },
      { 'mcp-session-id': '' },
    );
    expect(decision).toMatchObject({ kind: 'broker', requestId: 0, initialize: { requestedProtocolVersion: '2025-06-18' } });
    const issued = codec.issue();
    const answer = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'gw', version: '1' } } }));
    if (decision.kind !== 'broker' || !decision.initialize) throw new Error('expected an initialize decision');
    await core.recordInitializedSession(decision.initialize, 200, { 'mcp-session-id': issued, 'content-type': 'application/json' }, answer);
    expect(await store.getSession(issued)).toMatchObject({
      protocolVersion: '2025-06-18',
      clientCapabilities: { elicitation: {} },
      clientInfo: { name: 'ide', version: '9' },
    });
  });

  it('screens headers before any body is read', () => {
    const screen = (httpMethod: string, headers: Record<string, string>) =>
      core.screen({ httpMethod, authority: headers['host'], headers: { ...headers } });
    expect(screen('POST', { ...HEADERS, host: 'evil.example' })?.status).toBe(403);
    expect(screen('POST', { ...HEADERS, accept: 'text/event-stream' })?.status).toBe(406);
    expect(screen('POST', { ...HEADERS, 'content-type': 'text/plain' })?.status).toBe(415);
    expect(screen('PATCH', HEADERS)?.status).toBe(405);
    // A POST's version header is judged in decide(), once the request id is known.
    expect(screen('POST', { ...HEADERS, 'mcp-protocol-version': '1999-01-01' })).toBeUndefined();
    expect(screen('GET', { host: HEADERS.host, accept: 'text/event-stream', 'mcp-protocol-version': '1999-01-01' })?.status).toBe(400);
    expect(screen('POST', { ...HEADERS, 'mcp-protocol-version': '2025-06-18' })).toBeUndefined();
    expect(screen('GET', { host: HEADERS.host, accept: 'text/event-stream' })).toBeUndefined();
    expect(screen('POST', HEADERS)).toBeUndefined();
  });

  it('answers a routed call for an unknown prompt with -32602 naming it', async () => {
    const decision = await post({ jsonrpc: '2.0', id: 8, method: 'prompts/get', params: { name: 'weather_nothing' } });
    expect(decision).toMatchObject({ kind: 'answer', status: 200 });
    if (decision.kind !== 'answer') throw new Error('expected an answer');
    expect(JSON.parse(decision.body)).toEqual({ jsonrpc: '2.0', id: 8, error: { code: -32602, message: 'Unknown prompt: weather_nothing' } });
  });
});
