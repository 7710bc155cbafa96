// Picks the mapper from configuration, like createSessionStore: no URL → in memory.

import type { RedisConnectionOptions } from '@mcp-gateway/session-store';
import { InMemoryServerRequestIdMapper } from './in-memory-server-request-id-mapper';
import { RedisServerRequestIdMapper } from './redis-server-request-id-mapper';
import type { ServerRequestIdMapper } from './server-request-id-mapper';

export interface ServerRequestIdMapperConfig extends RedisConnectionOptions {
  /** `redis://…` or `rediss://…`; undefined or '' → in memory. */
  readonly url?: string;
  readonly keyPrefix?: string;
}

export function createServerRequestIdMapper(config: ServerRequestIdMapperConfig): ServerRequestIdMapper {
  const { url, ...options } = config;
  if (url === undefined || url === '') return new InMemoryServerRequestIdMapper();
  return RedisServerRequestIdMapper.fromUrl(url, options);
}
