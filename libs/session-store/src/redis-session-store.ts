// The SessionStore shared by every gateway replica. Key layout (prefix default `mcpgw:`):
//
//   <prefix>session:<gatewaySessionId>   HASH, PX = idle TTL, slid by touch and lookup
//       meta                 JSON GatewaySessionRecord
//       upstream:<server>    upstream session id held on that server
//   <prefix>lock:<key>                   STRING owner token, SET NX PX lockTtl
//
// One hash per gateway session makes the router's hot-path question — does the session
// exist, and which upstream session does it hold on this server? — one round trip
// (PEXPIRE + HGET, pipelined), and DELETE one atomic HGETALL + DEL. Every key has a TTL.

import type { Redis } from 'ioredis';
import { RedisConnection } from './redis-connection';
import type { RedisConnectionOptions } from './redis-connection';
import { RedisScript } from './redis-script';
import type { GatewaySessionRecord, SessionStore, UpstreamSessionLookup } from './session-store';
import { checkedTtlMs } from './time-to-live';
import { randomBytes } from 'node:crypto';

export interface RedisSessionStoreOptions extends RedisConnectionOptions {
  /** Prepended to every key (default `mcpgw:`), so several gateways can share one Redis. */
  readonly keyPrefix?: string;
}

export const DEFAULT_KEY_PREFIX = 'mcpgw:';
const META_FIELD = 'meta';
const UPSTREAM_FIELD_PREFIX = 'upstream:';

// Writes only into a session that still exists: HSET on a missing key would create a hash
// without TTL, resurrecting a deleted session forever. HSET on an existing key keeps its TTL.
const SET_UPSTREAM_IF_SESSION_EXISTS = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0`);

const DELETE_UPSTREAM_IF_UNCHANGED = new RedisScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`);

// Compare-and-delete: only the owner may release, never a caller whose lock expired and
// was taken by someone else meanwhile.
const UNLOCK_IF_OWNER = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

export class RedisSessionStore implements SessionStore {
  private readonly keyPrefix: string;

  static fromUrl(url: string, options: RedisSessionStoreOptions = {}): RedisSessionStore {
    return new RedisSessionStore(RedisConnection.fromUrl(url, { connectionName: 'mcp-gateway-session-store', ...options }), options);
  }

  /** Takes ownership of `connection`: close() closes it. */
  constructor(
    private readonly connection: RedisConnection,
    options: { readonly keyPrefix?: string } = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  /** The Redis key holding a gateway session (for operators and tests). */
  sessionKey(gatewaySessionId: string): string {
    return `${this.keyPrefix}session:${gatewaySessionId}`;
  }

  /** The Redis key holding the lock `key`. */
  lockKey(key: string): string {
    return `${this.keyPrefix}lock:${key}`;
  }

  async createSession(gatewaySessionId: string, record: GatewaySessionRecord, ttlMs: number): Promise<void> {
    const ttl = checkedTtlMs(ttlMs, 'session TTL');
    const key = this.sessionKey(gatewaySessionId);
    const json = JSON.stringify(record);
    await this.connection.run('createSession', async (client) =>
      checkedExec(await client.multi().del(key).hset(key, META_FIELD, json).pexpire(key, ttl).exec()),
    );
  }

  async getSession(gatewaySessionId: string): Promise<GatewaySessionRecord | undefined> {
    const json = await this.connection.run('getSession', (client) => client.hget(this.sessionKey(gatewaySessionId), META_FIELD));
    return json === null ? undefined : (JSON.parse(json) as GatewaySessionRecord);
  }

  async touchSession(gatewaySessionId: string, ttlMs: number): Promise<boolean> {
    const ttl = checkedTtlMs(ttlMs, 'session TTL');
    const updated = await this.connection.run('touchSession', (client) => client.pexpire(this.sessionKey(gatewaySessionId), ttl));
    return updated === 1;
  }

  async deleteSession(gatewaySessionId: string): Promise<ReadonlyMap<string, string>> {
    const key = this.sessionKey(gatewaySessionId);
    const [fields] = await this.connection.run('deleteSession', async (client) =>
      checkedExec(await client.multi().hgetall(key).del(key).exec()),
    );
    return upstreamsOf(fields as Record<string, string>);
  }

  async lookupUpstreamSession(gatewaySessionId: string, serverName: string, ttlMs: number): Promise<UpstreamSessionLookup> {
    const ttl = checkedTtlMs(ttlMs, 'session TTL');
    const key = this.sessionKey(gatewaySessionId);
    // Pipelined, so one round trip. PEXPIRE answers 0 for a missing (or expired) session.
    const [extended, upstreamSessionId] = await this.connection.run('lookupUpstreamSession', async (client) =>
      checkedExec(await client.pipeline().pexpire(key, ttl).hget(key, UPSTREAM_FIELD_PREFIX + serverName).exec()),
    );
    if (extended !== 1) return { sessionExists: false, upstreamSessionId: undefined };
    return { sessionExists: true, upstreamSessionId: typeof upstreamSessionId === 'string' ? upstreamSessionId : undefined };
  }

  async setUpstreamSession(gatewaySessionId: string, serverName: string, upstreamSessionId: string): Promise<void> {
    await this.connection.runScript('setUpstreamSession', SET_UPSTREAM_IF_SESSION_EXISTS, [this.sessionKey(gatewaySessionId)], [
      UPSTREAM_FIELD_PREFIX + serverName,
      upstreamSessionId,
    ]);
  }

  async deleteUpstreamSession(gatewaySessionId: string, serverName: string, expectedUpstreamSessionId?: string): Promise<void> {
    const key = this.sessionKey(gatewaySessionId);
    const field = UPSTREAM_FIELD_PREFIX + serverName;
    if (expectedUpstreamSessionId === undefined) {
      await this.connection.run('deleteUpstreamSession', (client) => client.hdel(key, field));
      return;
    }
    await this.connection.runScript('deleteUpstreamSession', DELETE_UPSTREAM_IF_UNCHANGED, [key], [field, expectedUpstreamSessionId]);
  }

  async listUpstreamSessions(gatewaySessionId: string): Promise<ReadonlyMap<string, string>> {
    const fields = await this.connection.run('listUpstreamSessions', (client) => client.hgetall(this.sessionKey(gatewaySessionId)));
    return upstreamsOf(fields);
  }

  async tryLock(key: string, ttlMs: number): Promise<string | undefined> {
    const ttl = checkedTtlMs(ttlMs, 'lock TTL');
    const ownerToken = randomBytes(16).toString('base64url');
    const taken = await this.connection.run('tryLock', (client: Redis) => client.set(this.lockKey(key), ownerToken, 'PX', ttl, 'NX'));
    return taken === 'OK' ? ownerToken : undefined;
  }

  async unlock(key: string, ownerToken: string): Promise<void> {
    await this.connection.runScript('unlock', UNLOCK_IF_OWNER, [this.lockKey(key)], [ownerToken]);
  }

  async ping(): Promise<void> {
    await this.connection.run('ping', (client) => client.ping());
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

type ExecResult = Array<[error: Error | null, result: unknown]> | null;

/** A MULTI/pipeline answer as plain results; the first per-command error is thrown. */
function checkedExec(results: ExecResult): unknown[] {
  if (results === null) throw new Error('transaction aborted');
  return results.map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}

function upstreamsOf(fields: Record<string, string>): Map<string, string> {
  const upstreams = new Map<string, string>();
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith(UPSTREAM_FIELD_PREFIX)) upstreams.set(field.slice(UPSTREAM_FIELD_PREFIX.length), value);
  }
  return upstreams;
}
