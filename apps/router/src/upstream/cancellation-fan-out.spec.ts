// A cancellation that reaches a replica not running the call goes to every upstream
// session of the client's gateway session, each under its own upstream session id, with
// the server's own headers; a store outage loses it quietly (cancellation is best effort).
import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { InMemorySessionStore, RedisSessionStore } from '@mcp-gateway/session-store';
import { freePort } from '@mcp-gateway/testing';
import { pino } from 'pino';
import { CancellationFanOut } from './cancellation-fan-out';
import type { UpstreamEndpoint } from './upstream-endpoints';

interface Received {
  readonly sessionId: string | undefined;
  readonly version: string | undefined;
  readonly token: string | undefined;
  readonly body: string;
}

const logger = pino({ enabled: false });
const closers: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function upstream(name: string, received: Received[]): Promise<UpstreamEndpoint> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
      received.push({ sessionId: header(req.headers['mcp-session-id']), version: header(req.headers['mcp-protocol-version']), token: header(req.headers['x-token']), body });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const agent = new http.Agent({ keepAlive: true });
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => agent.destroy());
  return { serverName: name, url: new URL(`http://127.0.0.1:${address.port}/mcp`), headers: { 'x-token': `${name}-token` }, agent };
}

const CANCEL = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'user' } }));

describe('CancellationFanOut', () => {
  it('tells every upstream session of the gateway session, each under its own id and headers', async () => {
    const alphaGot: Received[] = [];
    const betaGot: Received[] = [];
    const endpoints = new Map([
      ['alpha', await upstream('alpha', alphaGot)],
      ['beta', await upstream('beta', betaGot)],
    ]);
    const store = new InMemorySessionStore();
    closers.push(() => store.close());
    await store.createSession('gw-1', { protocolVersion: '2025-11-25', clientCapabilities: {}, clientInfo: { name: 'c', version: '1' }, createdAtMs: 0 }, 60_000);
    await store.setUpstreamSession('gw-1', 'alpha', 'up-a');
    await store.setUpstreamSession('gw-1', 'beta', 'up-b');
    await store.setUpstreamSession('gw-1', 'gone', 'up-g');
    const fanOut = new CancellationFanOut({
      store,
      endpointOf: (name) => endpoints.get(name),
      protocolVersionOf: (id) => (id === 'up-a' ? '2025-06-18' : undefined),
      timeoutMs: 2_000,
      logger,
    });

    const told = await fanOut.send('gw-1', CANCEL, { 'mcp-protocol-version': '2025-11-25', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(told).toBe(2);
    expect(alphaGot).toEqual([{ sessionId: 'up-a', version: '2025-06-18', token: 'alpha-token', body: CANCEL.toString() }]);
    expect(betaGot).toEqual([{ sessionId: 'up-b', version: '2025-11-25', token: 'beta-token', body: CANCEL.toString() }]);
  });

  it('tells no one for a session without upstream sessions, or when the store cannot answer', async () => {
    const got: Received[] = [];
    const endpoint = await upstream('alpha', got);
    const empty = new InMemorySessionStore();
    const down = RedisSessionStore.fromUrl(`redis://127.0.0.1:${await freePort()}`, { connectTimeoutMs: 200, commandTimeoutMs: 200 });
    closers.push(() => empty.close(), () => down.close());
    for (const store of [empty, down]) {
      const fanOut = new CancellationFanOut({ store, endpointOf: () => endpoint, protocolVersionOf: () => undefined, timeoutMs: 1_000, logger });
      await expect(fanOut.send('gw-unknown', CANCEL, {})).resolves.toBe(0);
    }
    expect(got).toEqual([]);
  });
});
