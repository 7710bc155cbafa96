// Picks the store from configuration: no URL means one process (in memory); a redis:// or
// rediss:// URL means state shared by every replica.

import { InMemorySessionStore } from './in-memory-session-store';
import type { RedisConnectionOptions } from './redis-connection';
import { RedisSessionStore } from './redis-session-store';
import type { SessionStore } from './session-store';

export interface SessionStoreConfig extends RedisConnectionOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://…`; undefined or '' → in memory. */
  readonly url?: string;
  readonly keyPrefix?: string;
}

export function createSessionStore(config: SessionStoreConfig): SessionStore {
  const { url, ...options } = config;
  if (url === undefined || url === '') return new InMemorySessionStore();
  return RedisSessionStore.fromUrl(url, options);
}
