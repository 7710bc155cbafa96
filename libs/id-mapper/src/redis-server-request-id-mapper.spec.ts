// What only the Redis mapper does: replicas share mappings, keys follow the documented
// layout with a TTL on each and leave nothing behind, and calls fail fast while Redis is
// down, recovering by themselves.

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SessionStoreUnavailableError } from '@mcp-gateway/session-store';
import { startRedisServer, waitFor } from '@mcp-gateway/testing';
import type { RedisServerHandle } from '@mcp-gateway/testing';
import { RedisServerRequestIdMapper } from './redis-server-request-id-mapper';
import type { ServerRequestOrigin } from './server-request-id-mapper';

const TTL_MS = 60_000;
const ORIGIN: ServerRequestOrigin = {
  serverName: 'weather',
  upstreamSessionId: '3f8a1c2e-7b4d-4e9a-9c1f-2d6b8e0a5c71',
  upstreamRequestId: 17,
  relatedGatewayRequestId: 4,
};
const newSessionId = (): string => randomBytes(16).toString('base64url');

describe('RedisServerRequestIdMapper', () => {
  let redis: RedisServerHandle;
  let inspector: Redis;
  const opened: RedisServerRequestIdMapper[] = [];

  const openMapper = (keyPrefix = 'spec:'): RedisServerRequestIdMapper => {
    const mapper = RedisServerRequestIdMapper.fromUrl(redis.url, { keyPrefix });
    opened.push(mapper);
    return mapper;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    inspector = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    inspector.on('error', () => undefined);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((mapper) => mapper.close()));
  });

  afterAll(async () => {
    inspector.disconnect();
    await redis.stop();
  });

  describe('key layout', () => {
    it('writes a mapping, a session index and a request index, each with a TTL covering the mapping', async () => {
      const mapper = openMapper('layout:');
      const session = newSessionId();
      const id = await mapper.map(session, ORIGIN, 5000);
      const keys = (await inspector.keys('layout:*')).sort();
      expect(keys).toEqual(
        [mapper.mappingKey(session, id), mapper.requestIndexKey(session, 4), mapper.sessionIndexKey(session)].sort(),
      );
      expect(mapper.mappingKey(session, id)).toBe(`layout:srq:{${session}}:${id}`);
      expect(mapper.sessionIndexKey(session)).toBe(`layout:srq-session:{${session}}`);
      expect(mapper.requestIndexKey(session, 4)).toBe(`layout:srq-request:{${session}}:n:4`);
      expect(await inspector.type(mapper.mappingKey(session, id))).toBe('string');
      expect(await inspector.hgetall(mapper.sessionIndexKey(session))).toEqual({ [id]: 'n:4' });
      expect(await inspector.smembers(mapper.requestIndexKey(session, 4))).toEqual([id]);
      for (const key of keys) {
        const ttl = await inspector.pttl(key);
        expect(ttl).toBeGreaterThan(4000);
        expect(ttl).toBeLessThanOrEqual(5000);
      }
      // A later, longer-lived mapping stretches the indexes; a shorter one never shrinks them.
      await mapper.map(session, ORIGIN, 20_000);
      await mapper.map(session, ORIGIN, 1000);
      expect(await inspector.pttl(mapper.sessionIndexKey(session))).toBeGreaterThan(15_000);
      expect(await inspector.pttl(mapper.requestIndexKey(session, 4))).toBeGreaterThan(15_000);
    });

    it('leaves no key behind once every mapping is answered or dropped', async () => {
      const mapper = openMapper('cleanup:');
      const session = newSessionId();
      const answered = await mapper.map(session, ORIGIN, TTL_MS);
      await mapper.map(session, { ...ORIGIN, relatedGatewayRequestId: 'call-2' }, TTL_MS);
      await mapper.map(session, { ...ORIGIN, relatedGatewayRequestId: undefined }, TTL_MS);
      await mapper.take(session, answered);
      expect(await inspector.exists(mapper.requestIndexKey(session, 4))).toBe(0);
      await mapper.dropForRequest(session, 'call-2');
      expect(await inspector.exists(mapper.requestIndexKey(session, 'call-2'))).toBe(0);
      await mapper.dropSession(session);
      expect(await inspector.keys('cleanup:*')).toEqual([]);
    });

    it('keeps a pending server request in a few hundred bytes', async () => {
      const mapper = openMapper('memory:');
      const session = newSessionId();
      const id = await mapper.map(session, ORIGIN, TTL_MS);
      const usage = async (key: string): Promise<number> => Number(await inspector.call('MEMORY', 'USAGE', key));
      const total =
        (await usage(mapper.mappingKey(session, id))) + (await usage(mapper.sessionIndexKey(session))) + (await usage(mapper.requestIndexKey(session, 4)));
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThan(1024);
    });
  });

  describe('several replicas', () => {
    it('lets a client answer on any replica, and only once across replicas', async () => {
      const [first, second, third] = [openMapper(), openMapper(), openMapper()];
      const session = newSessionId();
      const id = await first.map(session, ORIGIN, TTL_MS);
      expect(await second.peek(session, id)).toEqual(ORIGIN);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => [first, second, third][i % 3]?.take(session, id)));
      expect(answers.filter((answer) => answer !== undefined)).toEqual([ORIGIN]);
    });
  });

  describe('when Redis goes away', () => {
    it('fails fast while Redis is down and works again, same instance, once it is back', async () => {
      const mapper = openMapper();
      const session = newSessionId();
      const id = await mapper.map(session, ORIGIN, TTL_MS);
      await redis.stop();
      try {
        for (const call of [
          () => mapper.map(session, ORIGIN, TTL_MS),
          () => mapper.take(session, id),
          () => mapper.peek(session, id),
          () => mapper.dropForRequest(session, 4),
          () => mapper.dropSession(session),
        ]) {
          const started = Date.now();
          await expect(call()).rejects.toThrow(SessionStoreUnavailableError);
          expect(Date.now() - started).toBeLessThan(2000);
        }
      } finally {
        await redis.start();
      }
      const again = await waitFor(() => mapper.map(session, ORIGIN, TTL_MS), { timeoutMs: 5000, what: 'the mapper to reconnect' });
      expect(await mapper.take(session, again)).toEqual(ORIGIN);
    });
  });
});
