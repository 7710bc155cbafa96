// What a gateway session leaves in Redis, end to end (docs/scaling.md, "What is stored"):
// real router and broker processes, SDK clients with a GET stream open and an upstream
// session on each of two servers, inspected with SCAN, TYPE, PTTL, MEMORY USAGE and PUBSUB.
// Pins the layout the scaling guide documents. (used_memory per session is measured in the
// guide over 500 sessions; over a few dozen, client buffers drown it, so it is not pinned.)
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { startRedisServer, waitFor, type RedisServerHandle } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startScaledGateway, type ScaledGateway } from './support/scaled-gateway';

jest.setTimeout(60_000);

const SESSIONS = 40;

let redis: RedisServerHandle;
let alpha: TestServer;
let beta: TestServer;
let gateway: ScaledGateway;
let inspector: Redis;
const clients: ConnectedClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  alpha = await startTestServer({ name: 'alpha' });
  beta = await startTestServer({ name: 'beta' });
  gateway = await startScaledGateway({
    redisUrl: redis.url,
    routers: 1,
    brokers: 1,
    config: { servers: [{ name: 'alpha', url: alpha.url, prefix: 'a_' }, { name: 'beta', url: beta.url, prefix: 'b_' }] },
  });
  await gateway.waitForUpstreamsReady(['alpha', 'beta']);
  inspector = new Redis(redis.url, { lazyConnect: true });
  await inspector.connect();
}, 90_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  inspector?.disconnect();
  await gateway?.stop();
  await alpha?.close();
  await beta?.close();
  await redis?.stop();
});

async function keys(): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await inspector.scan(cursor, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

describe('Redis footprint of a gateway session', () => {
  it('is one hash per session with an idle TTL (under 1 KiB with two upstream sessions) and one channel per open GET stream', async () => {
    for (let i = 0; i < SESSIONS; i += 1) {
      const connected = await connectClient(gateway.url);
      clients.push(connected);
      await connected.client.callTool({ name: 'a_echo', arguments: { text: 'x' } });
      await connected.client.callTool({ name: 'b_echo', arguments: { text: 'x' } });
    }
    const all = await keys();
    expect(all.filter((key) => !key.startsWith('mcpgw:session:'))).toEqual([]);
    expect(all).toHaveLength(SESSIONS);
    const sample = all[0] as string;
    expect(await inspector.type(sample)).toBe('hash');
    expect((await inspector.hkeys(sample)).sort()).toEqual(['meta', 'upstream:alpha', 'upstream:beta']);
    const ttl = await inspector.pttl(sample);
    // session.idleTtlMs, 30 minutes by default, slid by every request.
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);
    expect(Number(await inspector.memory('USAGE', sample))).toBeLessThan(1024);
    // Each client's GET stream is followed across replicas on its own pub/sub channel.
    // The SDK client opens its GET stream in the background after initialize, so the last
    // client's subscription may still be on its way: wait for it rather than sample once.
    const channels = await waitFor(
      async () => {
        const open = (await inspector.pubsub('CHANNELS', 'mcpgw:client-stream:*')) as string[];
        return open.length >= SESSIONS ? open : undefined;
      },
      { timeoutMs: 10_000, what: `${SESSIONS} client-stream channels` },
    );
    expect(channels).toHaveLength(SESSIONS);
  });

  it('leaves nothing behind once the sessions are deleted', async () => {
    for (const connected of clients.splice(0)) await connected.close();
    expect(await keys()).toEqual([]);
    await waitFor(async () => (await inspector.pubsub('CHANNELS', 'mcpgw:client-stream:*')).length === 0, { what: 'every channel to be left' });
  });
});
