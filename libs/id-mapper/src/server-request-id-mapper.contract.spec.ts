// One set of expectations for every ServerRequestIdMapper: in memory, and Redis against a
// real redis-server on a free port.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SessionStoreUnavailableError } from '@mcp-gateway/session-store';
import { startRedisServer, waitFor } from '@mcp-gateway/testing';
import { InMemoryServerRequestIdMapper } from './in-memory-server-request-id-mapper';
import { RedisServerRequestIdMapper } from './redis-server-request-id-mapper';
import type { ServerRequestIdMapper, ServerRequestOrigin } from './server-request-id-mapper';

interface Implementation {
  readonly name: string;
  open(): Promise<{ mapper: ServerRequestIdMapper; close(): Promise<void> }>;
}

const implementations: Implementation[] = [
  {
    name: 'InMemoryServerRequestIdMapper',
    async open() {
      const mapper = new InMemoryServerRequestIdMapper();
      return { mapper, close: () => mapper.close() };
    },
  },
  {
    name: 'RedisServerRequestIdMapper',
    async open() {
      const redis = await startRedisServer();
      const mapper = RedisServerRequestIdMapper.fromUrl(redis.url, { keyPrefix: 'contract:' });
      return {
        mapper,
        async close() {
          await mapper.close();
          await redis.stop();
        },
      };
    },
  },
];

const TTL_MS = 60_000;
const newSessionId = (): string => randomBytes(16).toString('base64url');

function origin(overrides: Partial<ServerRequestOrigin> = {}): ServerRequestOrigin {
  return { serverName: 'weather', upstreamSessionId: 'upstream-session-7', upstreamRequestId: 17, ...overrides };
}

describe.each(implementations)('$name (ServerRequestIdMapper contract)', (implementation) => {
  let mapper: ServerRequestIdMapper;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ mapper, close } = await implementation.open());
  });

  afterAll(async () => {
    await close();
  });

  it('restores the upstream origin, with its id type, from the gateway id', async () => {
    const session = newSessionId();
    const numeric = await mapper.map(session, origin({ upstreamRequestId: 0 }), TTL_MS);
    const text = await mapper.map(session, origin({ upstreamRequestId: 'elicit-1', relatedGatewayRequestId: 'call-9' }), TTL_MS);
    const stateless = await mapper.map(session, origin({ upstreamSessionId: undefined }), TTL_MS);
    expect(await mapper.take(session, numeric)).toEqual(origin({ upstreamRequestId: 0 }));
    expect(await mapper.take(session, text)).toEqual(origin({ upstreamRequestId: 'elicit-1', relatedGatewayRequestId: 'call-9' }));
    const restored = await mapper.take(session, stateless);
    expect(restored).toEqual(origin({ upstreamSessionId: undefined }));
    expect(restored?.upstreamSessionId).toBeUndefined();
  });

  it('issues unique, unguessable string ids that reveal neither the upstream id nor its name', async () => {
    const session = newSessionId();
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => mapper.map(session, origin({ serverName: 'payroll', upstreamRequestId: `req-${i}` }), TTL_MS)),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const [i, id] of ids.entries()) {
      expect(typeof id).toBe('string');
      expect(id.length).toBeGreaterThanOrEqual(22);
      expect(id).not.toContain('payroll');
      expect(id).not.toContain(`req-${i}`);
    }
    // Random, not counted: no two consecutive ids share a long prefix.
    expect(ids.filter((id, i) => i > 0 && id.slice(0, 6) === ids[i - 1]?.slice(0, 6)).length).toBeLessThan(3);
  });

  it('answers an id only once', async () => {
    const session = newSessionId();
    const id = await mapper.map(session, origin(), TTL_MS);
    expect(await mapper.take(session, id)).toEqual(origin());
    expect(await mapper.take(session, id)).toBeUndefined();
    expect(await mapper.peek(session, id)).toBeUndefined();
  });

  it('answers an id once even when many answers race for it', async () => {
    const session = newSessionId();
    const id = await mapper.map(session, origin(), TTL_MS);
    const answers = await Promise.all(Array.from({ length: 20 }, () => mapper.take(session, id)));
    expect(answers.filter((answer) => answer !== undefined)).toHaveLength(1);
  });

  it('never resolves an id from another gateway session', async () => {
    const owner = newSessionId();
    const intruder = newSessionId();
    const id = await mapper.map(owner, origin(), TTL_MS);
    expect(await mapper.peek(intruder, id)).toBeUndefined();
    expect(await mapper.take(intruder, id)).toBeUndefined();
    expect(await mapper.take(owner, id)).toEqual(origin());
  });

  it('knows nothing of ids it never issued, numbers included', async () => {
    const session = newSessionId();
    await mapper.map(session, origin(), TTL_MS);
    for (const unknown of [randomBytes(16).toString('base64url'), 17, 0, '', 'x'.repeat(1000), '*', '}:{']) {
      expect(await mapper.take(session, unknown)).toBeUndefined();
      expect(await mapper.peek(session, unknown)).toBeUndefined();
    }
  });

  it('peeks without consuming', async () => {
    const session = newSessionId();
    const id = await mapper.map(session, origin(), TTL_MS);
    expect(await mapper.peek(session, id)).toEqual(origin());
    expect(await mapper.peek(session, id)).toEqual(origin());
    expect(await mapper.take(session, id)).toEqual(origin());
  });

  it('forgets a mapping nobody answered once its TTL passes', async () => {
    const session = newSessionId();
    const shortLived = await mapper.map(session, origin(), 200);
    const longLived = await mapper.map(session, origin({ upstreamRequestId: 2 }), TTL_MS);
    expect(await mapper.peek(session, shortLived)).toEqual(origin());
    await waitFor(async () => ((await mapper.peek(session, shortLived)) === undefined ? true : undefined), {
      timeoutMs: 2000,
      what: 'the mapping to expire',
    });
    expect(await mapper.take(session, shortLived)).toBeUndefined();
    expect(await mapper.take(session, longLived)).toEqual(origin({ upstreamRequestId: 2 }));
  });

  it('drops every mapping made during one client request, and only those', async () => {
    const session = newSessionId();
    const during = await Promise.all([
      mapper.map(session, origin({ upstreamRequestId: 1, relatedGatewayRequestId: 5 }), TTL_MS),
      mapper.map(session, origin({ upstreamRequestId: 2, relatedGatewayRequestId: 5 }), TTL_MS),
    ]);
    const sameIdAsString = await mapper.map(session, origin({ upstreamRequestId: 3, relatedGatewayRequestId: '5' }), TTL_MS);
    const unrelated = await mapper.map(session, origin({ upstreamRequestId: 4 }), TTL_MS);
    const otherSession = newSessionId();
    const elsewhere = await mapper.map(otherSession, origin({ upstreamRequestId: 6, relatedGatewayRequestId: 5 }), TTL_MS);

    await mapper.dropForRequest(session, 5);

    for (const id of during) expect(await mapper.peek(session, id)).toBeUndefined();
    expect((await mapper.peek(session, sameIdAsString))?.upstreamRequestId).toBe(3);
    expect((await mapper.peek(session, unrelated))?.upstreamRequestId).toBe(4);
    expect((await mapper.peek(otherSession, elsewhere))?.upstreamRequestId).toBe(6);
    await mapper.dropForRequest(session, 'never-used');
  });

  it('drops every mapping of a gateway session, leaving other sessions alone', async () => {
    const session = newSessionId();
    const other = newSessionId();
    const ids = [
      await mapper.map(session, origin({ relatedGatewayRequestId: 'a' }), TTL_MS),
      await mapper.map(session, origin({ relatedGatewayRequestId: 'b' }), TTL_MS),
      await mapper.map(session, origin(), TTL_MS),
    ];
    const kept = await mapper.map(other, origin(), TTL_MS);
    await mapper.dropSession(session);
    for (const id of ids) expect(await mapper.take(session, id)).toBeUndefined();
    expect(await mapper.take(other, kept)).toEqual(origin());
    await mapper.dropSession(newSessionId());
  });

  it('keeps working for a session after its mappings were dropped', async () => {
    const session = newSessionId();
    await mapper.map(session, origin({ relatedGatewayRequestId: 1 }), TTL_MS);
    await mapper.dropSession(session);
    const id = await mapper.map(session, origin({ relatedGatewayRequestId: 1 }), TTL_MS);
    expect(await mapper.peek(session, id)).toEqual(origin({ relatedGatewayRequestId: 1 }));
    await mapper.dropForRequest(session, 1);
    expect(await mapper.peek(session, id)).toBeUndefined();
  });

  it('refuses a TTL that is not a positive number of milliseconds', async () => {
    await expect(mapper.map(newSessionId(), origin(), 0)).rejects.toThrow(RangeError);
  });

  it('rejects calls with SessionStoreUnavailableError once closed', async () => {
    const { mapper: closing, close: closeIt } = await implementation.open();
    await closing.close();
    await expect(closing.map(newSessionId(), origin(), TTL_MS)).rejects.toThrow(SessionStoreUnavailableError);
    await closeIt();
  });
});
