import { describe, expect, it } from '@jest/globals';
import { SessionStoreConfigError } from '@mcp-gateway/session-store';
import { startRedisServer } from '@mcp-gateway/testing';
import { createServerRequestIdMapper } from './create-server-request-id-mapper';
import { InMemoryServerRequestIdMapper } from './in-memory-server-request-id-mapper';
import { RedisServerRequestIdMapper } from './redis-server-request-id-mapper';

describe('createServerRequestIdMapper', () => {
  it('keeps mappings in memory when no URL is configured', async () => {
    const mapper = createServerRequestIdMapper({});
    expect(mapper).toBeInstanceOf(InMemoryServerRequestIdMapper);
    await mapper.close();
  });

  it('uses Redis, with the configured key prefix, when a URL is configured', async () => {
    const redis = await startRedisServer();
    const mapper = createServerRequestIdMapper({ url: redis.url, keyPrefix: 'tenant-a:' });
    try {
      expect(mapper).toBeInstanceOf(RedisServerRequestIdMapper);
      expect((mapper as RedisServerRequestIdMapper).sessionIndexKey('s')).toBe('tenant-a:srq-session:{s}');
      const id = await mapper.map('s', { serverName: 'weather', upstreamSessionId: undefined, upstreamRequestId: 1 }, 10_000);
      expect((await mapper.take('s', id))?.upstreamRequestId).toBe(1);
    } finally {
      await mapper.close();
      await redis.stop();
    }
  });

  it('refuses a URL that is not redis:// or rediss:// at once', () => {
    expect(() => createServerRequestIdMapper({ url: 'http://localhost:6379' })).toThrow(SessionStoreConfigError);
  });
});
