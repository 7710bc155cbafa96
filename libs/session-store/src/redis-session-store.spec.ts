// What only the Redis store does: share state between replicas over separate connections,
// keep a documented key layout with a TTL on every key, fail fast while Redis is down or
// hung, and recover on its own when Redis is back.

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, waitFor } from '@mcp-gateway/testing';
import type { RedisServerHandle } from '@mcp-gateway/testing';
import { GatewaySessionIdCodec } from './gateway-session-id-codec';
import { RedisSessionStore } from './redis-session-store';
import { resolveUpstreamSession } from './resolve-upstream-session';
import type { GatewaySessionRecord, SessionStore } from './session-store';
import { SessionStoreUnavailableError } from './session-store-unavailable-error';

const TTL_MS = 60_000;
const RECORD: GatewaySessionRecord = {
  protocolVersion: '2025-11-25',
  clientCapabilities: { elicitation: {}, sampling: {}, roots: { listChanged: true } },
  clientInfo: { name: 'claude-code', version: '2.1.0' },
  createdAtMs: 1_760_000_000_000,
};

const newSessionId = (): string => randomBytes(16).toString('base64url');

/** How long `call` takes to reject, and with what. */
async function rejectionOf(call: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    await call();
  } catch (error) {
    return { error, elapsedMs: Date.now() - started };
  }
  throw new Error('expected the call to reject');
}

async function expectFailsFast(store: SessionStore, sessionId: string): Promise<void> {
  const calls: Array<() => Promise<unknown>> = [
    () => store.ping(),
    () => store.getSession(sessionId),
    () => store.lookupUpstreamSession(sessionId, 'weather', TTL_MS),
    () => store.createSession(newSessionId(), RECORD, TTL_MS),
    () => store.setUpstreamSession(sessionId, 'weather', 'x'),
    () => store.deleteSession(sessionId),
    () => store.tryLock('some-lock', TTL_MS),
  ];
  for (const call of calls) {
    const { error, elapsedMs } = await rejectionOf(call);
    expect(error).toBeInstanceOf(SessionStoreUnavailableError);
    expect(elapsedMs).toBeLessThan(2000);
  }
}

describe('RedisSessionStore', () => {
  let redis: RedisServerHandle;
  let inspector: Redis;
  const opened: SessionStore[] = [];

  const openStore = (options: Parameters<typeof RedisSessionStore.fromUrl>[1] = {}): RedisSessionStore => {
    const store = RedisSessionStore.fromUrl(redis.url, { keyPrefix: 'spec:', ...options });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    inspector = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    inspector.on('error', () => undefined);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  afterAll(async () => {
    inspector.disconnect();
    await redis.stop();
  });

  describe('key layout', () => {
    it('keeps a gateway session and its upstream sessions in one hash whose TTL slides', async () => {
      const store = openStore();
      const id = newSessionId();
      await store.createSession(id, RECORD, 5000);
      await store.setUpstreamSession(id, 'weather', 'upstream-weather');
      const key = `spec:session:${id}`;
      expect(store.sessionKey(id)).toBe(key);
      expect(await inspector.type(key)).toBe('hash');
      expect(await inspector.hgetall(key)).toEqual({ meta: JSON.stringify(RECORD), 'upstream:weather': 'upstream-weather' });
      const ttl = await inspector.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5000);
      await store.lookupUpstreamSession(id, 'weather', TTL_MS);
      expect(await inspector.pttl(key)).toBeGreaterThan(5000);
    });

    it('gives every key it writes a TTL', async () => {
      const store = openStore({ keyPrefix: 'ttl-audit:' });
      const id = newSessionId();
      await store.createSession(id, RECORD, TTL_MS);
      await store.setUpstreamSession(id, 'weather', 'w');
      await store.tryLock(`upstream-session:${id}:weather`, 10_000);
      const keys = await inspector.keys('ttl-audit:*');
      expect(keys.sort()).toEqual([`ttl-audit:lock:upstream-session:${id}:weather`, `ttl-audit:session:${id}`]);
      for (const key of keys) expect(await inspector.pttl(key)).toBeGreaterThan(0);
    });

    it('stores an idle session with two upstream sessions in under 1 KiB', async () => {
      const store = openStore();
      const id = new GatewaySessionIdCodec(randomBytes(32)).issue();
      await store.createSession(id, RECORD, TTL_MS);
      await store.setUpstreamSession(id, 'weather', '3f8a1c2e-7b4d-4e9a-9c1f-2d6b8e0a5c71');
      await store.setUpstreamSession(id, 'calendar', 'b1e2c3d4-5f60-4718-92a3-b4c5d6e7f809');
      const bytes = Number(await inspector.call('MEMORY', 'USAGE', store.sessionKey(id)));
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThan(1024);
    });
  });

  describe('several replicas (separate connections)', () => {
    it('opens an upstream session once for 50 first calls spread over three replicas', async () => {
      const replicas = [openStore(), openStore(), openStore()];
      const id = newSessionId();
      await replicas[0]?.createSession(id, RECORD, TTL_MS);
      let opened = 0;
      const open = async (): Promise<string> => {
        opened++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return `upstream-${opened}`;
      };
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          resolveUpstreamSession(replicas[i % replicas.length] as SessionStore, { gatewaySessionId: id, serverName: 'weather', ttlMs: TTL_MS, open }),
        ),
      );
      expect(opened).toBe(1);
      expect(new Set(results.map((result) => result.upstreamSessionId))).toEqual(new Set(['upstream-1']));
      expect(results.filter((result) => result.created)).toHaveLength(1);
    });

    it('lets one replica see the session another created, and deletes it for all', async () => {
      const [broker, router] = [openStore(), openStore()];
      const id = newSessionId();
      await broker.createSession(id, RECORD, TTL_MS);
      await router.setUpstreamSession(id, 'weather', 'w-1');
      expect(await router.getSession(id)).toEqual(RECORD);
      expect(new Map(await broker.deleteSession(id))).toEqual(new Map([['weather', 'w-1']]));
      expect((await router.lookupUpstreamSession(id, 'weather', TTL_MS)).sessionExists).toBe(false);
    });

    it('keeps stores with different key prefixes apart', async () => {
      const [blue, green] = [openStore({ keyPrefix: 'blue:' }), openStore({ keyPrefix: 'green:' })];
      const id = newSessionId();
      await blue.createSession(id, RECORD, TTL_MS);
      expect(await green.getSession(id)).toBeUndefined();
    });
  });

  describe('when Redis goes away', () => {
    it('fails fast while Redis is stopped and works again, same instance, once it is back', async () => {
      const store = openStore();
      const id = newSessionId();
      await store.createSession(id, RECORD, TTL_MS);
      await redis.stop();
      try {
        await expectFailsFast(store, id);
      } finally {
        await redis.start();
      }
      await waitFor(() => store.ping().then(() => true), { timeoutMs: 5000, what: 'the store to reconnect' });
      // Persistence is off in the suite's Redis: it came back empty.
      expect(await store.getSession(id)).toBeUndefined();
      await store.createSession(id, RECORD, TTL_MS);
      // Scripts too: the restarted server's script cache is empty.
      await store.setUpstreamSession(id, 'weather', 'after-outage');
      expect(await store.lookupUpstreamSession(id, 'weather', TTL_MS)).toEqual({ sessionExists: true, upstreamSessionId: 'after-outage' });
      const owner = await store.tryLock('after-outage', TTL_MS);
      await store.unlock('after-outage', owner as string);
      expect(await store.tryLock('after-outage', TTL_MS)).toEqual(expect.any(String));
    });

    it('logs the outage once and the recovery once, not per call', async () => {
      const lines: Array<{ level: string; message: string; details: Record<string, unknown> }> = [];
      const logger = {
        info: (details: Record<string, unknown>, message: string) => lines.push({ level: 'info', message, details }),
        warn: (details: Record<string, unknown>, message: string) => lines.push({ level: 'warn', message, details }),
      };
      const store = openStore({ logger });
      const id = newSessionId();
      await store.createSession(id, RECORD, TTL_MS);
      await redis.stop();
      try {
        for (let i = 0; i < 5; i++) await expect(store.getSession(id)).rejects.toThrow(SessionStoreUnavailableError);
        await new Promise((resolve) => setTimeout(resolve, 300)); // a few failed reconnection attempts
      } finally {
        await redis.start();
      }
      await waitFor(() => store.ping().then(() => true), { timeoutMs: 5000, what: 'the store to reconnect' });
      expect(lines.map((line) => line.level)).toEqual(['warn', 'info']);
      expect(lines[0]?.details).toMatchObject({ store: 'redis', host: '127.0.0.1', port: redis.port });
      expect(JSON.stringify(lines)).not.toContain(id);
    });

    it('fails fast after Redis crashes (SIGKILL) and recovers when it restarts', async () => {
      const store = openStore();
      const id = newSessionId();
      await store.createSession(id, RECORD, TTL_MS);
      await redis.kill();
      try {
        await expectFailsFast(store, id);
      } finally {
        await redis.start();
      }
      await waitFor(() => store.ping().then(() => true), { timeoutMs: 5000, what: 'the store to reconnect' });
      await store.createSession(id, RECORD, TTL_MS);
      expect(await store.getSession(id)).toEqual(RECORD);
    });

    it('fails within the command timeout while Redis hangs, and answers again when it resumes', async () => {
      const store = openStore({ commandTimeoutMs: 300 });
      const id = newSessionId();
      await store.createSession(id, RECORD, TTL_MS);
      await redis.pause();
      try {
        const { error, elapsedMs } = await rejectionOf(() => store.lookupUpstreamSession(id, 'weather', TTL_MS));
        expect(error).toBeInstanceOf(SessionStoreUnavailableError);
        expect(elapsedMs).toBeLessThan(1000);
      } finally {
        await redis.resume();
      }
      await waitFor(async () => ((await store.lookupUpstreamSession(id, 'weather', TTL_MS)).sessionExists ? true : undefined), {
        timeoutMs: 3000,
        what: 'answers after the pause',
      });
    });

    it('fails fast when Redis is not up at start, and connects once it comes up', async () => {
      const port = await freePort();
      const store = RedisSessionStore.fromUrl(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 300 });
      opened.push(store);
      const { error, elapsedMs } = await rejectionOf(() => store.ping());
      expect(error).toBeInstanceOf(SessionStoreUnavailableError);
      expect(elapsedMs).toBeLessThan(2000);
      const late = await startRedisServer({ port });
      try {
        await waitFor(() => store.ping().then(() => true), { timeoutMs: 5000, what: 'the first connection' });
        const id = newSessionId();
        await store.createSession(id, RECORD, TTL_MS);
        expect(await store.getSession(id)).toEqual(RECORD);
      } finally {
        await store.close();
        await late.stop();
      }
    });
  });

  describe('connection URLs', () => {
    it('connects with an ACL user, a percent-encoded password and a database number', async () => {
      const guarded = await startRedisServer({
        args: ['--user', 'gateway', 'on', '>p@ss:w/rd', '~*', '&*', '+@all', '--user', 'default', 'off'],
      });
      const store = RedisSessionStore.fromUrl(`redis://gateway:${encodeURIComponent('p@ss:w/rd')}@127.0.0.1:${guarded.port}/3`);
      const admin = new Redis({ port: guarded.port, username: 'gateway', password: 'p@ss:w/rd', db: 3, lazyConnect: true });
      try {
        const id = newSessionId();
        await store.createSession(id, RECORD, TTL_MS);
        expect(await store.getSession(id)).toEqual(RECORD);
        expect(await admin.exists(store.sessionKey(id))).toBe(1);
      } finally {
        admin.disconnect();
        await store.close();
        await guarded.stop();
      }
    });

    it('refuses to work with a wrong password, as unavailable rather than hanging', async () => {
      const guarded = await startRedisServer({ args: ['--requirepass', 'right'] });
      const store = RedisSessionStore.fromUrl(`redis://:wrong@127.0.0.1:${guarded.port}`, { connectTimeoutMs: 500 });
      try {
        const { error, elapsedMs } = await rejectionOf(() => store.ping());
        expect(error).toBeInstanceOf(SessionStoreUnavailableError);
        expect(elapsedMs).toBeLessThan(2000);
      } finally {
        await store.close();
        await guarded.stop();
      }
    });

    describe('rediss:// (TLS)', () => {
      let certificates: string;
      let tlsRedis: RedisServerHandle;
      let tlsPort: number;

      beforeAll(async () => {
        certificates = mkdtempSync(path.join(tmpdir(), 'session-store-tls-'));
        const file = (name: string): string => path.join(certificates, name);
        const openssl = (...args: string[]): void => {
          execFileSync('openssl', args, { cwd: certificates, stdio: 'ignore' });
        };
        writeFileSync(file('san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
        openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=spec-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
        openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
        openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.cnf', '-out', 'server.crt');
        tlsPort = await freePort();
        tlsRedis = await startRedisServer({
          args: ['--tls-port', String(tlsPort), '--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key'), '--tls-ca-cert-file', file('ca.crt'), '--tls-auth-clients', 'no'],
        });
      });

      afterAll(async () => {
        await tlsRedis.stop();
        rmSync(certificates, { recursive: true, force: true });
      });

      it('talks TLS to a server whose certificate chains to the given CA', async () => {
        const store = RedisSessionStore.fromUrl(`rediss://localhost:${tlsPort}`, { tlsCa: readFileSync(path.join(certificates, 'ca.crt')) });
        opened.push(store);
        const id = newSessionId();
        await store.createSession(id, RECORD, TTL_MS);
        expect(await store.getSession(id)).toEqual(RECORD);
      });

      it('refuses a server certificate it cannot verify', async () => {
        const store = RedisSessionStore.fromUrl(`rediss://localhost:${tlsPort}`, { connectTimeoutMs: 500 });
        opened.push(store);
        await expect(store.ping()).rejects.toThrow(SessionStoreUnavailableError);
      });
    });
  });
});
