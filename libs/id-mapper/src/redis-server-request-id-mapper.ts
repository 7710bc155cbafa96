// The ServerRequestIdMapper shared by every replica, so a client's answer to an elicitation
// can land on any replica. Key layout (prefix default `mcpgw:`; `{<sid>}` is a Redis hash
// tag, so all keys of one gateway session live in one cluster slot and one script may
// touch them all):
//
//   <prefix>srq:{<sid>}:<gatewayRequestId>         STRING  origin as compact JSON, PX = mapping TTL
//   <prefix>srq-session:{<sid>}                    HASH    gatewayRequestId → related-request key ('' if none),
//                                                          PX = the longest TTL of its mappings
//   <prefix>srq-request:{<sid>}:<relatedKey>       SET     gatewayRequestIds mapped during that client request,
//                                                          PX = the longest TTL of its mappings
//
// <relatedKey> is `n:<number>` or `s:<string>`, so ids 1 and "1" stay apart. take() is one
// atomic script (GETDEL + index cleanup), so an id is answered once however many replicas
// race. Needs Redis ≥ 6.2 (GETDEL).

import type { JsonRpcId } from '@mcp-gateway/jsonrpc';
import { DEFAULT_KEY_PREFIX, RedisConnection, RedisScript } from '@mcp-gateway/session-store';
import type { RedisConnectionOptions } from '@mcp-gateway/session-store';
import { checkedTtlMs, isGatewayRequestId, newGatewayRequestId, relatedRequestKey } from './gateway-request-id';
import type { ServerRequestIdMapper, ServerRequestOrigin } from './server-request-id-mapper';

export interface RedisServerRequestIdMapperOptions extends RedisConnectionOptions {
  /** Prepended to every key (default `mcpgw:`). */
  readonly keyPrefix?: string;
}

// Index TTLs only ever grow, so an index outlives every mapping it lists. PTTL is -1 for
// a key without TTL (just created) and -2 for a missing one: both get the TTL.
const MAP = new RedisScript(`
local function extend(key, ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
extend(KEYS[2], ttl)
if KEYS[3] then
  redis.call('SADD', KEYS[3], ARGV[1])
  extend(KEYS[3], ttl)
end
return 1`);

const TAKE = new RedisScript(`
local origin = redis.call('GETDEL', KEYS[1])
local related = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if related and related ~= '' then redis.call('SREM', ARGV[2] .. related, ARGV[1]) end
return origin`);

const DROP_FOR_REQUEST = new RedisScript(`
local ids = redis.call('SMEMBERS', KEYS[1])
for _, id in ipairs(ids) do
  redis.call('DEL', ARGV[1] .. id)
  redis.call('HDEL', KEYS[2], id)
end
redis.call('DEL', KEYS[1])
return #ids`);

const DROP_SESSION = new RedisScript(`
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  redis.call('DEL', ARGV[1] .. entries[i])
  if entries[i + 1] ~= '' then redis.call('DEL', ARGV[2] .. entries[i + 1]) end
end
redis.call('DEL', KEYS[1])
return #entries / 2`);

/** Stored form: short field names, a few dozen bytes per pending request. */
interface StoredOrigin {
  s: string;
  u?: string;
  i: JsonRpcId;
  r?: JsonRpcId;
}

export class RedisServerRequestIdMapper implements ServerRequestIdMapper {
  private readonly keyPrefix: string;

  static fromUrl(url: string, options: RedisServerRequestIdMapperOptions = {}): RedisServerRequestIdMapper {
    return new RedisServerRequestIdMapper(RedisConnection.fromUrl(url, { connectionName: 'mcp-gateway-id-mapper', ...options }), options);
  }

  /** Takes ownership of `connection`: close() closes it. */
  constructor(
    private readonly connection: RedisConnection,
    options: { readonly keyPrefix?: string } = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  /** Key of one mapping (for operators and tests). */
  mappingKey(gatewaySessionId: string, gatewayRequestId: string): string {
    return `${this.mappingKeyPrefix(gatewaySessionId)}${gatewayRequestId}`;
  }

  /** Key of a session's index of mappings. */
  sessionIndexKey(gatewaySessionId: string): string {
    return `${this.keyPrefix}srq-session:{${gatewaySessionId}}`;
  }

  /** Key of the index of mappings made during one client request. */
  requestIndexKey(gatewaySessionId: string, relatedGatewayRequestId: JsonRpcId): string {
    return `${this.requestIndexKeyPrefix(gatewaySessionId)}${relatedRequestKey(relatedGatewayRequestId)}`;
  }

  async map(gatewaySessionId: string, origin: ServerRequestOrigin, ttlMs: number): Promise<string> {
    const ttl = checkedTtlMs(ttlMs);
    const id = newGatewayRequestId();
    const stored: StoredOrigin = { s: origin.serverName, i: origin.upstreamRequestId };
    if (origin.upstreamSessionId !== undefined) stored.u = origin.upstreamSessionId;
    if (origin.relatedGatewayRequestId !== undefined) stored.r = origin.relatedGatewayRequestId;
    const related = origin.relatedGatewayRequestId;
    const keys = [this.mappingKey(gatewaySessionId, id), this.sessionIndexKey(gatewaySessionId)];
    if (related !== undefined) keys.push(this.requestIndexKey(gatewaySessionId, related));
    await this.connection.runScript('map', MAP, keys, [id, JSON.stringify(stored), ttl, related === undefined ? '' : relatedRequestKey(related)]);
    return id;
  }

  async take(gatewaySessionId: string, gatewayRequestId: JsonRpcId): Promise<ServerRequestOrigin | undefined> {
    if (!isGatewayRequestId(gatewayRequestId)) return undefined;
    const stored = await this.connection.runScript(
      'take',
      TAKE,
      [this.mappingKey(gatewaySessionId, gatewayRequestId), this.sessionIndexKey(gatewaySessionId)],
      [gatewayRequestId, this.requestIndexKeyPrefix(gatewaySessionId)],
    );
    return decode(stored);
  }

  async peek(gatewaySessionId: string, gatewayRequestId: JsonRpcId): Promise<ServerRequestOrigin | undefined> {
    if (!isGatewayRequestId(gatewayRequestId)) return undefined;
    const stored = await this.connection.run('peek', (client) => client.get(this.mappingKey(gatewaySessionId, gatewayRequestId)));
    return decode(stored);
  }

  async dropForRequest(gatewaySessionId: string, relatedGatewayRequestId: JsonRpcId): Promise<void> {
    await this.connection.runScript(
      'dropForRequest',
      DROP_FOR_REQUEST,
      [this.requestIndexKey(gatewaySessionId, relatedGatewayRequestId), this.sessionIndexKey(gatewaySessionId)],
      [this.mappingKeyPrefix(gatewaySessionId)],
    );
  }

  async dropSession(gatewaySessionId: string): Promise<void> {
    await this.connection.runScript(
      'dropSession',
      DROP_SESSION,
      [this.sessionIndexKey(gatewaySessionId)],
      [this.mappingKeyPrefix(gatewaySessionId), this.requestIndexKeyPrefix(gatewaySessionId)],
    );
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private mappingKeyPrefix(gatewaySessionId: string): string {
    return `${this.keyPrefix}srq:{${gatewaySessionId}}:`;
  }

  private requestIndexKeyPrefix(gatewaySessionId: string): string {
    return `${this.keyPrefix}srq-request:{${gatewaySessionId}}:`;
  }
}

function decode(stored: unknown): ServerRequestOrigin | undefined {
  if (typeof stored !== 'string') return undefined;
  const parsed = JSON.parse(stored) as StoredOrigin;
  const origin: { -readonly [K in keyof ServerRequestOrigin]: ServerRequestOrigin[K] } = {
    serverName: parsed.s,
    upstreamSessionId: parsed.u,
    upstreamRequestId: parsed.i,
  };
  if (parsed.r !== undefined) origin.relatedGatewayRequestId = parsed.r;
  return origin;
}
