// The ext_proc face message by message, as Envoy sees it: a real router (startRouter with
// its ext_proc port) over a real gRPC socket, a real SDK upstream, the broker stand-in and
// the routing-table double. Each test plays Envoy's side of one Process stream and checks
// the answers; e2e/envoy runs whole requests through an Envoy emulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { parseGatewayConfig } from '@mcp-gateway/config';
import { GatewaySessionIdCodec, InMemorySessionStore } from '@mcp-gateway/session-store';
import { z } from 'zod';
import { pino } from 'pino';
import { startRouter, type RunningRouter } from '../start-router';
import { startBrokerStandIn, type BrokerStandIn } from '../test-doubles/broker-stand-in';
import { RoutingTableServiceDouble } from '../test-doubles/routing-table-service-double';
import { startUpstreamMcpServer, type UpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import { loadExternalProcessorService } from './ext-proc-proto';

interface Mutation {
  set_headers: Array<{ header: { key: string; value: string; raw_value: Buffer }; append: unknown }>;
  remove_headers: string[];
}
interface Common {
  status: string;
  header_mutation: Mutation | null;
  body_mutation: { mutation: string; body?: Buffer; clear_body?: boolean } | null;
  clear_route_cache: boolean;
}
interface Answer {
  response: string;
  request_headers: { response: Common | null } | null;
  request_body: { response: Common | null } | null;
  response_headers: { response: Common | null } | null;
  response_body: { response: Common | null } | null;
  immediate_response: { status: { code: string }; headers: Mutation | null; body: Buffer; details: string } | null;
  mode_override: { response_body_mode: string; response_header_mode: string } | null;
}

type Message = Record<string, unknown>;
type Stream = grpc.ClientDuplexStream<Message, Answer>;

const ACCEPT = 'application/json, text/event-stream';
let codec: GatewaySessionIdCodec;
let store: InMemorySessionStore;
let broker: BrokerStandIn;
let routing: RoutingTableServiceDouble;
let upstream: UpstreamMcpServer;
let slowUpstream: http.Server;
let slowUpstreamUrl: string;
let router: RunningRouter;
let client: grpc.Client & { Process(): Stream };

function headers(entries: Record<string, string>): Message {
  return { headers: Object.entries(entries).map(([key, value]) => ({ key, raw_value: Buffer.from(value) })) };
}

function requestHeaders(entries: Record<string, string>, endOfStream = false): Message {
  return {
    request_headers: {
      headers: headers({ ':method': 'POST', ':path': '/mcp', ':authority': '127.0.0.1:8080', ':scheme': 'http', accept: ACCEPT, 'content-type': 'application/json', ...entries }),
      end_of_stream: endOfStream,
    },
  };
}

function requestBody(message: unknown): Message {
  return { request_body: { body: Buffer.from(JSON.stringify(message)), end_of_stream: true } };
}

/** One Process stream: send a message, get its answer. */
function open(): { send(message: Message): Promise<Answer>; end(): void } {
  const stream = client.Process();
  const answers: Answer[] = [];
  const waiting: Array<(answer: Answer) => void> = [];
  stream.on('data', (answer: Answer) => {
    const next = waiting.shift();
    if (next) next(answer);
    else answers.push(answer);
  });
  stream.on('error', () => undefined);
  return {
    send: (message) => {
      stream.write(message);
      const ready = answers.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    end: () => stream.end(),
  };
}

function setHeaders(common: Common | null | undefined): Record<string, string> {
  return Object.fromEntries((common?.header_mutation?.set_headers ?? []).map((option) => [option.header.key, option.header.raw_value.toString('latin1')]));
}

/** A gateway session made the way Envoy would: initialize through the face, the broker's answer played back. */
async function initializeSession(): Promise<string> {
  const stream = open();
  await stream.send(requestHeaders({}));
  const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'envoy-spec', version: '1' } } };
  await stream.send(requestBody(initialize));
  const sessionId = codec.issue();
  const headersAnswer = await stream.send({ response_headers: { headers: headers({ ':status': '200', 'content-type': 'application/json', 'mcp-session-id': sessionId }), end_of_stream: false } });
  expect(headersAnswer.mode_override?.response_body_mode).toBe('BUFFERED');
  const result = { jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'broker', version: '1' } } };
  const bodyAnswer = await stream.send({ response_body: { body: Buffer.from(JSON.stringify(result)), end_of_stream: true } });
  expect(bodyAnswer.response).toBe('response_body');
  stream.end();
  return sessionId;
}

beforeAll(async () => {
  codec = new GatewaySessionIdCodec(randomBytes(32));
  store = new InMemorySessionStore();
  broker = await startBrokerStandIn(codec);
  upstream = await startUpstreamMcpServer('weather', (server) => {
    server.registerTool('forecast', { inputSchema: z.object({ city: z.string() }) }, ({ city }) => ({ content: [{ type: 'text', text: `sunny in ${city}` }] }));
  });
  // An upstream that never answers (a session can never be opened on it in time).
  slowUpstream = http.createServer(() => undefined);
  await new Promise<void>((resolve) => slowUpstream.listen(0, '127.0.0.1', resolve));
  slowUpstreamUrl = `http://127.0.0.1:${(slowUpstream.address() as AddressInfo).port}/mcp`;
  routing = await RoutingTableServiceDouble.start({
    version: 1,
    servers: [
      { name: 'weather', url: upstream.url, prefix: 'weather_' },
      { name: 'stuck', url: slowUpstreamUrl, prefix: 'stuck_' },
    ],
    tools: [
      { gatewayName: 'weather_forecast', server: 'weather', upstreamName: 'forecast' },
      { gatewayName: 'stuck_wait', server: 'stuck', upstreamName: 'wait' },
    ],
  });
  const config = parseGatewayConfig(
    `servers:\n  - name: weather\n    url: ${upstream.url}\n    prefix: weather_\n    credential:\n      header: Authorization\n      value: Bearer upstream-token\n  - name: stuck\n    url: ${slowUpstreamUrl}\n    prefix: stuck_\ntimeouts:\n  upstreamConnectMs: 5000\n`,
    {},
  );
  router = await startRouter({
    config,
    brokerUrl: broker.url,
    brokerGrpcAddress: routing.address,
    port: 0,
    extProcPort: 0,
    extProcMessageBudgetMs: 400,
    sessionStore: store,
    sessionIdCodec: codec,
    logger: pino({ enabled: false }),
  });
  const deadline = Date.now() + 5_000;
  while (!router.ready() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  const { Client } = await loadExternalProcessorService();
  client = new Client(`127.0.0.1:${router.extProcPort}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & { Process(): Stream };
});

afterAll(async () => {
  client?.close();
  await router?.close();
  await routing?.stop();
  await broker?.stop();
  await upstream?.stop();
  slowUpstream?.closeAllConnections();
  await new Promise<void>((resolve) => slowUpstream?.close(() => resolve()) ?? resolve());
  await store?.close();
});

describe('ext_proc face: request headers', () => {
  it('refuses a POST that does not accept SSE with 406, as an immediate JSON-RPC response with an explicit content type', async () => {
    const stream = open();
    const answer = await stream.send(requestHeaders({ accept: 'application/json' }));
    stream.end();
    expect(answer.response).toBe('immediate_response');
    expect(answer.immediate_response?.status.code).toBe('NotAcceptable');
    expect(setHeaders({ header_mutation: answer.immediate_response?.headers ?? null } as Common)['content-type']).toBe('application/json');
    expect(JSON.parse(answer.immediate_response?.body.toString('utf8') ?? '')).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
  });

  it('refuses a forged session id with 404 before the body is sent', async () => {
    const stream = open();
    const answer = await stream.send(requestHeaders({ 'mcp-session-id': 'forged-session-id' }));
    stream.end();
    expect(answer.immediate_response?.status.code).toBe('NotFound');
    expect(JSON.parse(answer.immediate_response?.body.toString('utf8') ?? '')).toMatchObject({ error: { code: -32001 } });
  });

  it('lets other paths on the listener pass untouched, asking for nothing more', async () => {
    const stream = open();
    const answer = await stream.send(requestHeaders({ ':method': 'GET', ':path': '/.well-known/oauth-protected-resource', accept: '*/*' }, true));
    stream.end();
    expect(answer.response).toBe('request_headers');
    expect(answer.mode_override).toMatchObject({ response_header_mode: 'SKIP', response_body_mode: 'NONE' });
  });

  it('removes policy headers a client sent itself', async () => {
    const stream = open();
    const answer = await stream.send(requestHeaders({ 'x-mcp-servername': 'spoofed' }));
    stream.end();
    expect(answer.request_headers?.response?.header_mutation?.remove_headers).toEqual(expect.arrayContaining(['x-mcp-method', 'x-mcp-servername', 'x-mcp-toolname']));
  });
});

describe('ext_proc face: a routed call', () => {
  it('sends tools/call to the upstream: authority and path, upstream session and credential, stripped name, fixed content-length, cleared route cache, policy headers', async () => {
    const sessionId = await initializeSession();
    const stream = open();
    await stream.send(requestHeaders({ 'mcp-session-id': sessionId, authorization: 'Bearer client-token', 'mcp-protocol-version': '2025-11-25' }));
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'weather_forecast', arguments: { city: 'Lisbon' } } };
    const answer = await stream.send(requestBody(call));
    const common = answer.request_body?.response;
    const set = setHeaders(common);
    const upstreamUrl = new URL(upstream.url);
    expect(set[':authority']).toBe(upstreamUrl.host);
    expect(set[':path']).toBe(upstreamUrl.pathname);
    expect(set['mcp-session-id']).toBe(upstream.liveSessions()[0]);
    expect(set['authorization']).toBe('Bearer upstream-token');
    expect(set['x-mcp-method']).toBe('tools/call');
    expect(set['x-mcp-servername']).toBe('weather');
    expect(set['x-mcp-toolname']).toBe('forecast');
    // Every value travels in raw_value: Envoy reads nothing else.
    expect(common?.header_mutation?.set_headers.every((option) => option.header.value === '' && option.header.raw_value.length > 0)).toBe(true);
    const forwarded = common?.body_mutation?.body?.toString('utf8') ?? '';
    expect(JSON.parse(forwarded)).toMatchObject({ id: 7, params: { name: 'forecast', arguments: { city: 'Lisbon' } } });
    expect(set['content-length']).toBe(String(Buffer.byteLength(forwarded)));
    expect(common?.clear_route_cache).toBe(true);

    const headersAnswer = await stream.send({ response_headers: { headers: headers({ ':status': '200', 'content-type': 'text/event-stream', 'mcp-session-id': set['mcp-session-id'] ?? '' }), end_of_stream: false } });
    expect(setHeaders(headersAnswer.response_headers?.response)['mcp-session-id']).toBe(sessionId);
    expect(headersAnswer.response_headers?.response?.clear_route_cache).toBe(false);
    stream.end();
  });

  it('gives a server-to-client request on the streamed answer a gateway id, holding back an event cut between chunks', async () => {
    const sessionId = await initializeSession();
    const stream = open();
    await stream.send(requestHeaders({ 'mcp-session-id': sessionId }));
    await stream.send(requestBody({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'weather_forecast', arguments: { city: 'Oslo' } } }));
    await stream.send({ response_headers: { headers: headers({ ':status': '200', 'content-type': 'text/event-stream' }), end_of_stream: false } });
    const progress = 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\n\n';
    const untouched = await stream.send({ response_body: { body: Buffer.from(progress), end_of_stream: false } });
    expect(untouched.response_body?.response?.body_mutation ?? null).toBeNull();
    const elicit = 'event: message\ndata: {"jsonrpc":"2.0","id":42,"method":"elicitation/create","params":{"message":"name?","requestedSchema":{"type":"object","properties":{}}}}\n\n';
    const firstHalf = await stream.send({ response_body: { body: Buffer.from(elicit.slice(0, 40)), end_of_stream: false } });
    expect(firstHalf.response_body?.response?.body_mutation?.mutation).toBe('clear_body');
    const secondHalf = await stream.send({ response_body: { body: Buffer.from(elicit.slice(40)), end_of_stream: false } });
    const rewritten = secondHalf.response_body?.response?.body_mutation?.body?.toString('utf8') ?? '';
    const data = JSON.parse(rewritten.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? '{}') as { id: unknown; method: string };
    expect(data.method).toBe('elicitation/create');
    expect(data.id).not.toBe(42);
    expect(String(data.id)).toMatch(/\S/);
    stream.end();
  });

  it('renews a session the upstream forgot and asks the client to repeat the call (307 to the same path); a second loss on the fresh session is an error', async () => {
    const sessionId = await initializeSession();
    const call = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'weather_forecast', arguments: { city: 'Rome' } } };
    const first = open();
    await first.send(requestHeaders({ 'mcp-session-id': sessionId }));
    const before = setHeaders((await first.send(requestBody(call))).request_body?.response)['mcp-session-id'];
    const repeat = await first.send({ response_headers: { headers: headers({ ':status': '404' }), end_of_stream: false } });
    first.end();
    expect(repeat.immediate_response?.status.code).toBe('TemporaryRedirect');
    expect(setHeaders({ header_mutation: repeat.immediate_response?.headers ?? null } as Common)['location']).toBe('/mcp');

    const second = open();
    await second.send(requestHeaders({ 'mcp-session-id': sessionId }));
    const after = setHeaders((await second.send(requestBody(call))).request_body?.response)['mcp-session-id'];
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const lostAgain = await second.send({ response_headers: { headers: headers({ ':status': '404' }), end_of_stream: false } });
    second.end();
    expect(lostAgain.immediate_response?.status.code).toBe('ServiceUnavailable');
    expect(JSON.parse(lostAgain.immediate_response?.body.toString('utf8') ?? '')).toMatchObject({ id: 9, error: { code: -32090, message: expect.stringContaining('weather') } });
  });

  it('answers 504 itself within its message budget when routing takes longer, instead of leaving the request to Envoy', async () => {
    const sessionId = await initializeSession();
    const stream = open();
    await stream.send(requestHeaders({ 'mcp-session-id': sessionId }));
    const started = Date.now();
    const answer = await stream.send(requestBody({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'stuck_wait', arguments: {} } }));
    stream.end();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer.immediate_response?.status.code).toBe('GatewayTimeout');
    expect(JSON.parse(answer.immediate_response?.body.toString('utf8') ?? '')).toMatchObject({ id: 10, error: { code: -32091 } });
  });
});

describe('ext_proc face: broker-bound requests', () => {
  it('records the session from the buffered initialize answer before the client gets it', async () => {
    const sessionId = await initializeSession();
    expect(await store.getSession(sessionId)).toMatchObject({ protocolVersion: '2025-11-25', clientInfo: { name: 'envoy-spec' } });
  });

  it('leaves a broker-bound answer alone (no body processing) and tells policies the method', async () => {
    const sessionId = await initializeSession();
    const stream = open();
    await stream.send(requestHeaders({ 'mcp-session-id': sessionId }));
    const body = await stream.send(requestBody({ jsonrpc: '2.0', id: 11, method: 'tools/list' }));
    expect(setHeaders(body.request_body?.response)).toEqual({ 'x-mcp-method': 'tools/list' });
    expect(body.request_body?.response?.clear_route_cache).toBe(false);
    const answer = await stream.send({ response_headers: { headers: headers({ ':status': '200', 'content-type': 'application/json' }), end_of_stream: false } });
    stream.end();
    expect(answer.mode_override?.response_body_mode).toBe('NONE');
  });

  it('answers an unknown session with 404 in the body phase (one store round trip)', async () => {
    const stream = open();
    await stream.send(requestHeaders({ 'mcp-session-id': codec.issue() }));
    const answer = await stream.send(requestBody({ jsonrpc: '2.0', id: 12, method: 'tools/list' }));
    stream.end();
    expect(answer.immediate_response?.status.code).toBe('NotFound');
  });
});
