// Micro-benchmark of the routing core's hot path: RouterCore.decide() for a routed call
// (prefixed: target rewritten and re-serialised; unprefixed: bytes forwarded as they came)
// and for a broker-bound ping, with an in-memory store. Not a test: it prints decisions per
// second so a change to the core can be compared before and after.
// Run: node --import tsx apps/router/src/routing/router-core.bench.ts

import { randomBytes } from 'node:crypto';
import { parseGatewayConfig } from '@mcp-gateway/config';
import { InMemoryServerRequestIdMapper } from '@mcp-gateway/id-mapper';
import { GatewaySessionIdCodec, InMemorySessionStore } from '@mcp-gateway/session-store';
import { pino } from 'pino';
import { HostOriginPolicy } from '../inbound/host-origin-policy';
import { InFlightRoutedRequests } from '../session/in-flight-routed-requests';
import { SessionGate } from '../session/session-gate';
import { ServerRequestRemapper } from '../upstream/server-request-remapper';
import { UpstreamEndpoints } from '../upstream/upstream-endpoints';
import { UpstreamEventStreams } from '../upstream/upstream-event-streams';
import { UpstreamSessionOpener } from '../upstream/upstream-session-opener';
import { UpstreamSessions } from '../upstream/upstream-sessions';
import type { InboundRequest } from './route-decision';
import { RouterCore } from './router-core';
import { RoutingTable } from './routing-table';

const DURATION_MS = 500;

async function measure(name: string, decide: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20_000; i++) await decide();
  let operations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1_000; i++) await decide();
    operations += 1_000;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  const perSecond = operations / seconds;
  console.log(`${name.padEnd(48)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} decisions/s  ${(1e6 / perSecond).toFixed(2)} µs each`);
}

const config = parseGatewayConfig(
  'servers:\n  - name: weather\n    url: http://127.0.0.1:9/mcp\n    prefix: weather_\n  - name: files\n    url: http://127.0.0.1:9/files\n',
  {},
);
const table = RoutingTable.fromSnapshot({
  version: 1n,
  servers: [
    { name: 'weather', url: 'http://127.0.0.1:9/mcp', prefix: 'weather_', state: 'ready', protocolVersion: '2025-11-25' },
    { name: 'files', url: 'http://127.0.0.1:9/files', prefix: '', state: 'ready', protocolVersion: '2025-11-25' },
  ],
  tools: [
    { gatewayName: 'weather_get_forecast', server: 'weather', upstreamName: 'get_forecast' },
    { gatewayName: 'read_file', server: 'files', upstreamName: 'read_file' },
  ],
  prompts: [],
  resources: [],
  resourceTemplates: [],
});
const logger = pino({ enabled: false });
const store = new InMemorySessionStore();
const codec = new GatewaySessionIdCodec(randomBytes(32));
const endpoints = new UpstreamEndpoints({ logger, credentialRefreshMs: 0 });
await endpoints.configure(config.servers);
const gate = new SessionGate(codec, store, 60_000);
const mapper = new InMemoryServerRequestIdMapper();
const core = new RouterCore({
  routingTable: { current: () => table },
  gate,
  upstreamSessions: new UpstreamSessions({ store, gate, opener: new UpstreamSessionOpener({ connectTimeoutMs: 1000 }), idleTtlMs: 60_000, connectTimeoutMs: 1000 }),
  endpoints,
  inFlight: new InFlightRoutedRequests(),
  serverRequests: new ServerRequestRemapper(mapper, 60_000),
      eventStreams: new UpstreamEventStreams({ connectTimeoutMs: 1000, lingerMs: 1000, logger }),
  hostOriginPolicy: new HostOriginPolicy(config.security),
  maxRequestBodyBytes: 4 * 1024 * 1024,
  logger,
});
const sessionId = codec.issue();
await store.createSession(sessionId, { protocolVersion: '2025-11-25', clientCapabilities: {}, clientInfo: { name: 'bench', version: '1' }, createdAtMs: Date.now() }, 60_000);
await store.setUpstreamSession(sessionId, 'weather', 'upstream-weather');
await store.setUpstreamSession(sessionId, 'files', 'upstream-files');

const headers = {
  host: '127.0.0.1:8080',
  accept: 'application/json, text/event-stream',
  'content-type': 'application/json',
  'mcp-session-id': sessionId,
  'mcp-protocol-version': '2025-11-25',
};
function request(message: unknown): InboundRequest {
  return { httpMethod: 'POST', authority: headers.host, headers, body: Buffer.from(JSON.stringify(message)) };
}
const prefixedCall = request({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'weather_get_forecast', arguments: { city: 'Oslo', days: 3 } } });
const unprefixedCall = request({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/etc/motd' } } });
const ping = request({ jsonrpc: '2.0', id: 1, method: 'ping' });

const routed = async (inbound: InboundRequest): Promise<void> => {
  const decision = await core.decide(inbound);
  if (decision.kind === 'upstream') core.upstreamCallFinished(decision);
};
await measure('tools/call, prefixed server (rewritten)', () => routed(prefixedCall));
await measure('tools/call, server without prefix (bytes kept)', () => routed(unprefixedCall));
await measure('ping (to the broker)', () => core.decide(ping));

await core.close();
await mapper.close();
await endpoints.close();
await store.close();
