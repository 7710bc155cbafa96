// One set of expectations for every SessionStore: the in-memory store and the Redis store
// (against a real redis-server on a free port) must behave the same.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startRedisServer, waitFor } from '@mcp-gateway/testing';
import type { RedisServerHandle } from '@mcp-gateway/testing';
import { InMemorySessionStore } from './in-memory-session-store';
import { RedisSessionStore } from './redis-session-store';
import {
  GatewaySessionNotFoundError,
  resolveUpstreamSession,
  upstreamSessionLockKey,
  UpstreamSessionWaitTimeoutError,
} from './resolve-upstream-session';
import type { GatewaySessionRecord, SessionStore } from './session-store';
import { SessionStoreUnavailableError } from './session-store-unavailable-error';

interface Implementation {
  readonly name: string;
  open(): Promise<{ store: SessionStore; close(): Promise<void> }>;
}

const implementations: Implementation[] = [
  {
    name: 'InMemorySessionStore',
    async open() {
      const store = new InMemorySessionStore();
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'RedisSessionStore',
    async open() {
      const redis: RedisServerHandle = await startRedisServer();
      const store = RedisSessionStore.fromUrl(redis.url, { keyPrefix: 'contract:' });
      return {
        store,
        async close() {
          await store.close();
          await redis.stop();
        },
      };
    },
  },
];

const LONG_TTL_MS = 60_000;
const SHORT_TTL_MS = 200;
// Sliding tests refresh every quarter TTL: generous slack for a loaded CI machine.
const SLIDING_TTL_MS = 400;

function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

function record(overrides: Partial<GatewaySessionRecord> = {}): GatewaySessionRecord {
  return {
    protocolVersion: '2025-11-25',
    clientCapabilities: { elicitation: {}, sampling: {}, roots: { listChanged: true } },
    clientInfo: { name: 'contract-client', version: '1.0.0', title: 'Contract client' },
    createdAtMs: 1_760_000_000_000,
    ...overrides,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(implementations)('$name (SessionStore contract)', (implementation) => {
  let store: SessionStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ store, close } = await implementation.open());
  });

  afterAll(async () => {
    await close();
  });

  async function newSession(ttlMs = LONG_TTL_MS): Promise<string> {
    const id = newSessionId();
    await store.createSession(id, record(), ttlMs);
    return id;
  }

  describe('gateway sessions', () => {
    it('returns the record a session was created with', async () => {
      const id = newSessionId();
      await store.createSession(id, record({ protocolVersion: '2025-06-18' }), LONG_TTL_MS);
      expect(await store.getSession(id)).toEqual(record({ protocolVersion: '2025-06-18' }));
    });

    it('knows nothing of a session id it never stored', async () => {
      expect(await store.getSession(newSessionId())).toBeUndefined();
      expect(await store.touchSession(newSessionId(), LONG_TTL_MS)).toBe(false);
      expect(await store.lookupUpstreamSession(newSessionId(), 'weather', LONG_TTL_MS)).toEqual({
        sessionExists: false,
        upstreamSessionId: undefined,
      });
    });

    it('forgets a session once its TTL passes without activity', async () => {
      const id = await newSession(SHORT_TTL_MS);
      expect(await store.getSession(id)).toBeDefined();
      await waitFor(async () => ((await store.getSession(id)) === undefined ? true : undefined), {
        timeoutMs: 2000,
        what: 'the session to expire',
      });
      expect(await store.touchSession(id, LONG_TTL_MS)).toBe(false);
      expect((await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).sessionExists).toBe(false);
    });

    it('keeps a session alive past its TTL while it is touched', async () => {
      const id = await newSession(SLIDING_TTL_MS);
      // Touch every quarter TTL, for well past the TTL.
      for (let i = 0; i < 7; i++) {
        await sleep(SLIDING_TTL_MS / 4);
        expect(await store.touchSession(id, SLIDING_TTL_MS)).toBe(true);
      }
      expect(await store.getSession(id)).toBeDefined();
      await sleep(SLIDING_TTL_MS + 100);
      expect(await store.getSession(id)).toBeUndefined();
    });

    it('keeps a session alive past its TTL while its upstream sessions are looked up', async () => {
      const id = await newSession(SLIDING_TTL_MS);
      await store.setUpstreamSession(id, 'weather', 'upstream-1');
      for (let i = 0; i < 7; i++) {
        await sleep(SLIDING_TTL_MS / 4);
        expect(await store.lookupUpstreamSession(id, 'weather', SLIDING_TTL_MS)).toEqual({
          sessionExists: true,
          upstreamSessionId: 'upstream-1',
        });
      }
      await sleep(SLIDING_TTL_MS + 100);
      expect(await store.lookupUpstreamSession(id, 'weather', SLIDING_TTL_MS)).toEqual({
        sessionExists: false,
        upstreamSessionId: undefined,
      });
    });

    it('deletes a session and returns the upstream sessions it held, so they can be closed', async () => {
      const id = await newSession();
      await store.setUpstreamSession(id, 'weather', 'weather-session');
      await store.setUpstreamSession(id, 'calendar', 'calendar-session');
      const closed = await store.deleteSession(id);
      expect(new Map(closed)).toEqual(
        new Map([
          ['weather', 'weather-session'],
          ['calendar', 'calendar-session'],
        ]),
      );
      expect(await store.getSession(id)).toBeUndefined();
      expect((await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).sessionExists).toBe(false);
      expect((await store.deleteSession(id)).size).toBe(0);
    });

    it('refuses a TTL that is not a positive number of milliseconds', async () => {
      await expect(store.createSession(newSessionId(), record(), 0)).rejects.toThrow(RangeError);
      await expect(store.touchSession(newSessionId(), -5)).rejects.toThrow(RangeError);
      await expect(store.lookupUpstreamSession(newSessionId(), 'weather', Number.NaN)).rejects.toThrow(RangeError);
    });

    it('answers ping while it is up', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });

  describe('upstream sessions', () => {
    it('reports an existing session without an upstream session on that server yet', async () => {
      const id = await newSession();
      expect(await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).toEqual({ sessionExists: true, upstreamSessionId: undefined });
    });

    it('maps each server to its own upstream session and keeps gateway sessions apart', async () => {
      const first = await newSession();
      const second = await newSession();
      await store.setUpstreamSession(first, 'weather', 'weather-for-first');
      await store.setUpstreamSession(first, 'calendar', 'calendar-for-first');
      await store.setUpstreamSession(second, 'weather', 'weather-for-second');
      expect((await store.lookupUpstreamSession(first, 'weather', LONG_TTL_MS)).upstreamSessionId).toBe('weather-for-first');
      expect((await store.lookupUpstreamSession(second, 'weather', LONG_TTL_MS)).upstreamSessionId).toBe('weather-for-second');
      expect((await store.lookupUpstreamSession(second, 'calendar', LONG_TTL_MS)).upstreamSessionId).toBeUndefined();
      expect(new Map(await store.listUpstreamSessions(first))).toEqual(
        new Map([
          ['weather', 'weather-for-first'],
          ['calendar', 'calendar-for-first'],
        ]),
      );
      expect((await store.listUpstreamSessions(newSessionId())).size).toBe(0);
    });

    it('replaces the upstream session of a server when set again', async () => {
      const id = await newSession();
      await store.setUpstreamSession(id, 'weather', 'old');
      await store.setUpstreamSession(id, 'weather', 'renewed');
      expect((await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).upstreamSessionId).toBe('renewed');
    });

    it('does not resurrect a deleted gateway session by setting an upstream session on it', async () => {
      const id = await newSession();
      await store.deleteSession(id);
      await store.setUpstreamSession(id, 'weather', 'late-writer');
      expect(await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).toEqual({ sessionExists: false, upstreamSessionId: undefined });
      expect((await store.listUpstreamSessions(id)).size).toBe(0);
    });

    it('expires upstream sessions together with their gateway session', async () => {
      const id = await newSession(SHORT_TTL_MS);
      await store.setUpstreamSession(id, 'weather', 'upstream-1');
      await sleep(SHORT_TTL_MS + 100);
      expect((await store.listUpstreamSessions(id)).size).toBe(0);
      expect((await store.deleteSession(id)).size).toBe(0);
    });

    it('drops a mapping only while it still holds the expected upstream session', async () => {
      const id = await newSession();
      await store.setUpstreamSession(id, 'weather', 'renewed-by-another-replica');
      await store.deleteUpstreamSession(id, 'weather', 'stale-one-that-answered-404');
      expect((await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).upstreamSessionId).toBe('renewed-by-another-replica');
      await store.deleteUpstreamSession(id, 'weather', 'renewed-by-another-replica');
      expect((await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).upstreamSessionId).toBeUndefined();
    });

    it('drops a mapping unconditionally when no expected upstream session is given', async () => {
      const id = await newSession();
      await store.setUpstreamSession(id, 'weather', 'one');
      await store.setUpstreamSession(id, 'calendar', 'two');
      await store.deleteUpstreamSession(id, 'weather');
      expect(new Map(await store.listUpstreamSessions(id))).toEqual(new Map([['calendar', 'two']]));
      expect(await store.getSession(id)).toBeDefined();
    });
  });

  describe('locks', () => {
    it('gives a lock to one caller at a time', async () => {
      const key = `lock-${newSessionId()}`;
      const owner = await store.tryLock(key, LONG_TTL_MS);
      expect(owner).toEqual(expect.any(String));
      expect(await store.tryLock(key, LONG_TTL_MS)).toBeUndefined();
      await store.unlock(key, owner as string);
      expect(await store.tryLock(key, LONG_TTL_MS)).toEqual(expect.any(String));
    });

    it('ignores an unlock by someone who does not own the lock', async () => {
      const key = `lock-${newSessionId()}`;
      await store.tryLock(key, LONG_TTL_MS);
      await store.unlock(key, 'not-the-owner-token');
      expect(await store.tryLock(key, LONG_TTL_MS)).toBeUndefined();
    });

    it('frees a lock by itself after its TTL, and the old owner cannot release the new one', async () => {
      const key = `lock-${newSessionId()}`;
      const crashedOwner = await store.tryLock(key, SHORT_TTL_MS);
      expect(crashedOwner).toBeDefined();
      const nextOwner = await waitFor(() => store.tryLock(key, LONG_TTL_MS), { timeoutMs: 2000, what: 'the lock to expire' });
      await store.unlock(key, crashedOwner as string);
      expect(await store.tryLock(key, LONG_TTL_MS)).toBeUndefined();
      await store.unlock(key, nextOwner);
    });
  });

  describe('resolveUpstreamSession', () => {
    it('opens the upstream session once for 50 concurrent first calls, and all get the same id', async () => {
      const id = await newSession();
      let opened = 0;
      const open = async (): Promise<string> => {
        opened++;
        await sleep(50);
        return `upstream-${opened}`;
      };
      const results = await Promise.all(
        Array.from({ length: 50 }, () => resolveUpstreamSession(store, { gatewaySessionId: id, serverName: 'weather', ttlMs: LONG_TTL_MS, open })),
      );
      expect(opened).toBe(1);
      expect(new Set(results.map((result) => result.upstreamSessionId))).toEqual(new Set(['upstream-1']));
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect((await store.lookupUpstreamSession(id, 'weather', LONG_TTL_MS)).upstreamSessionId).toBe('upstream-1');
    });

    it('returns the recorded upstream session without opening another', async () => {
      const id = await newSession();
      await store.setUpstreamSession(id, 'weather', 'already-open');
      const result = await resolveUpstreamSession(store, {
        gatewaySessionId: id,
        serverName: 'weather',
        ttlMs: LONG_TTL_MS,
        open: () => Promise.reject(new Error('must not open')),
      });
      expect(result).toEqual({ upstreamSessionId: 'already-open', created: false });
    });

    it('opens once the lock of a crashed opener expires, instead of waiting forever', async () => {
      const id = await newSession();
      // A replica took the lock and died before recording anything.
      await store.tryLock(upstreamSessionLockKey(id, 'weather'), 300);
      const started = Date.now();
      let opened = 0;
      const result = await resolveUpstreamSession(store, {
        gatewaySessionId: id,
        serverName: 'weather',
        ttlMs: LONG_TTL_MS,
        open: async () => `upstream-${++opened}`,
        waitTimeoutMs: 3000,
      });
      expect(result).toEqual({ upstreamSessionId: 'upstream-1', created: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('gives the opener its error and lets a waiting caller open instead', async () => {
      const id = await newSession();
      let attempts = 0;
      const open = async (): Promise<string> => {
        attempts++;
        await sleep(30);
        if (attempts === 1) throw new Error('upstream refused initialize');
        return 'second-try';
      };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () => resolveUpstreamSession(store, { gatewaySessionId: id, serverName: 'weather', ttlMs: LONG_TTL_MS, open })),
      );
      const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toEqual(new Error('upstream refused initialize'));
      expect(attempts).toBe(2);
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') expect(outcome.value.upstreamSessionId).toBe('second-try');
      }
    });

    it('refuses an unknown gateway session without opening anything', async () => {
      let opened = 0;
      await expect(
        resolveUpstreamSession(store, {
          gatewaySessionId: newSessionId(),
          serverName: 'weather',
          ttlMs: LONG_TTL_MS,
          open: async () => `upstream-${++opened}`,
        }),
      ).rejects.toThrow(GatewaySessionNotFoundError);
      expect(opened).toBe(0);
    });

    it('gives up waiting after waitTimeoutMs when the opener never finishes', async () => {
      const id = await newSession();
      await store.tryLock(upstreamSessionLockKey(id, 'weather'), LONG_TTL_MS);
      const started = Date.now();
      await expect(
        resolveUpstreamSession(store, {
          gatewaySessionId: id,
          serverName: 'weather',
          ttlMs: LONG_TTL_MS,
          open: async () => 'never',
          waitTimeoutMs: 200,
        }),
      ).rejects.toThrow(UpstreamSessionWaitTimeoutError);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('stops waiting when its signal aborts', async () => {
      const id = await newSession();
      await store.tryLock(upstreamSessionLockKey(id, 'weather'), LONG_TTL_MS);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('client went away')), 50);
      await expect(
        resolveUpstreamSession(store, { gatewaySessionId: id, serverName: 'weather', ttlMs: LONG_TTL_MS, open: async () => 'never', signal: controller.signal }),
      ).rejects.toThrow('client went away');
    });
  });

  describe('after close()', () => {
    it('rejects calls with SessionStoreUnavailableError', async () => {
      const { store: closing, close: closeIt } = await implementation.open();
      await closing.close();
      await expect(closing.getSession(newSessionId())).rejects.toThrow(SessionStoreUnavailableError);
      await expect(closing.ping()).rejects.toThrow(SessionStoreUnavailableError);
      await closeIt();
    });
  });
});
