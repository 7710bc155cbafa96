export type { GatewaySessionRecord, SessionStore, UpstreamSessionLookup } from './session-store';
export { SessionStoreUnavailableError } from './session-store-unavailable-error';
export { SessionStoreConfigError } from './session-store-config-error';
export { InMemorySessionStore } from './in-memory-session-store';
export type { InMemorySessionStoreOptions } from './in-memory-session-store';
export { RedisSessionStore, DEFAULT_KEY_PREFIX } from './redis-session-store';
export type { RedisSessionStoreOptions } from './redis-session-store';
export { createSessionStore } from './create-session-store';
export type { SessionStoreConfig } from './create-session-store';
export {
  resolveUpstreamSession,
  upstreamSessionLockKey,
  GatewaySessionNotFoundError,
  UpstreamSessionWaitTimeoutError,
} from './resolve-upstream-session';
export type { ResolveUpstreamSessionArgs, ResolvedUpstreamSession } from './resolve-upstream-session';
export { GatewaySessionIdCodec, MIN_SECRET_BYTES } from './gateway-session-id-codec';
export type { GatewaySessionIdCodecOptions } from './gateway-session-id-codec';
// Redis plumbing shared with @mcp-gateway/id-mapper: one fail-fast connection policy.
export { RedisConnection } from './redis-connection';
export type { RedisConnectionOptions } from './redis-connection';
export { RedisScript } from './redis-script';
export { parseRedisUrl } from './redis-url';
export type { RedisEndpoint } from './redis-url';
export type { StoreLogger } from './store-logger';
