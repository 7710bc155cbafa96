import { describe, expect, it } from '@jest/globals';
import { startRedisServer } from '@mcp-gateway/testing';
import { createSessionStore } from './create-session-store';
import { InMemorySessionStore } from './in-memory-session-store';
import { RedisSessionStore } from './redis-session-store';
import { SessionStoreConfigError } from './session-store-config-error';

describe('createSessionStore', () => {
  it('keeps sessions in memory when no URL is configured', async () => {
    const store = createSessionStore({});
    expect(store).toBeInstanceOf(InMemorySessionStore);
    await store.close();
    const alsoInMemory = createSessionStore({ url: '' });
    expect(alsoInMemory).toBeInstanceOf(InMemorySessionStore);
    await alsoInMemory.close();
  });

  it('uses Redis, with the configured key prefix, when a URL is configured', async () => {
    const redis = await startRedisServer();
    const store = createSessionStore({ url: redis.url, keyPrefix: 'tenant-a:' });
    try {
      expect(store).toBeInstanceOf(RedisSessionStore);
      expect((store as RedisSessionStore).sessionKey('abc')).toBe('tenant-a:session:abc');
      await store.ping();
    } finally {
      await store.close();
      await redis.stop();
    }
  });

  it('refuses a URL that is not redis:// or rediss:// at once', () => {
    expect(() => createSessionStore({ url: 'memcached://localhost' })).toThrow(SessionStoreConfigError);
  });
});
