// Readiness against a real redis-server (own port): a router whose store never answered
// must not be ready; once it answered, it stays ready (the outage is reported per request,
// 503 -32092, instead). Issue 6, "Redis slow or unreachable at start-up".
import { afterEach, describe, expect, it } from '@jest/globals';
import { InMemorySessionStore, RedisSessionStore } from '@mcp-gateway/session-store';
import { freePort, startRedisServer, waitFor } from '@mcp-gateway/testing';
import type { RedisServerHandle } from '@mcp-gateway/testing';
import { pino } from 'pino';
import { SessionStoreReadiness } from './session-store-readiness';

const logger = pino({ enabled: false });
const STORE_OPTIONS = { connectTimeoutMs: 300, commandTimeoutMs: 300, maxReconnectDelayMs: 200 };

describe('SessionStoreReadiness', () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function watch(store: RedisSessionStore | InMemorySessionStore): SessionStoreReadiness {
    const readiness = new SessionStoreReadiness({ store, intervalMs: 50, logger });
    closers.push(() => store.close(), () => readiness.close());
    return readiness;
  }

  it('is confirmed at once for the in-memory store', async () => {
    const readiness = watch(new InMemorySessionStore());
    await waitFor(() => readiness.confirmed, { timeoutMs: 1_000 });
  });

  it('stays unconfirmed while Redis is unreachable, and confirms once it starts', async () => {
    const port = await freePort();
    const readiness = watch(RedisSessionStore.fromUrl(`redis://127.0.0.1:${port}`, STORE_OPTIONS));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(readiness.confirmed).toBe(false);
    const redis = await startRedisServer({ port });
    closers.unshift(() => redis.stop());
    await waitFor(() => readiness.confirmed, { timeoutMs: 5_000, what: 'readiness once Redis answers' });
  });

  it('stays unconfirmed while Redis hangs, and stays confirmed through a later outage', async () => {
    const redis: RedisServerHandle = await startRedisServer();
    closers.unshift(() => redis.stop());
    await redis.pause();
    const readiness = watch(RedisSessionStore.fromUrl(redis.url, STORE_OPTIONS));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(readiness.confirmed).toBe(false);
    await redis.resume();
    await waitFor(() => readiness.confirmed, { timeoutMs: 5_000, what: 'readiness once Redis answers' });
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readiness.confirmed).toBe(true);
  });
});
