// RootsAskers shared by router replicas: one HASH per gateway session,
// `<prefix>roots-askers:{<sid>}` (server name → upstream session id), whose TTL slides with
// every record. One round trip per record and per list. Never logs session ids.

import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX, RedisConnection } from '@mcp-gateway/session-store';
import type { RedisConnectionOptions } from '@mcp-gateway/session-store';
import type { Logger } from '@mcp-gateway/telemetry';
import type { RootsAsker, RootsAskers } from './roots-askers';

export interface RedisRootsAskersOptions extends Omit<RedisConnectionOptions, 'logger'> {
  readonly keyPrefix?: string;
  /** How long a record lives without a new one (the gateway session's idle TTL). */
  readonly ttlMs: number;
  readonly logger: Logger;
}

export class RedisRootsAskers implements RootsAskers {
  private readonly keyPrefix: string;

  static fromUrl(url: string, options: RedisRootsAskersOptions): RedisRootsAskers {
    const { logger, keyPrefix, ttlMs, ...connection } = options;
    return new RedisRootsAskers(RedisConnection.fromUrl(url, { connectionName: 'mcp-gateway-roots-askers', ...connection, logger }), {
      ttlMs,
      logger,
      ...(keyPrefix !== undefined ? { keyPrefix } : {}),
    });
  }

  /** Takes ownership of `connection`: close() closes it. */
  constructor(
    private readonly connection: RedisConnection,
    private readonly options: { readonly ttlMs: number; readonly logger: Logger; readonly keyPrefix?: string },
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  key(gatewaySessionId: string): string {
    return `${this.keyPrefix}roots-askers:{${gatewaySessionId}}`;
  }

  async record(gatewaySessionId: string, asker: RootsAsker): Promise<void> {
    const key = this.key(gatewaySessionId);
    try {
      await this.connection.run('record roots asker', (client: Redis) =>
        client.multi().hset(key, asker.serverName, asker.upstreamSessionId).pexpire(key, this.options.ttlMs).exec(),
      );
    } catch (error) {
      this.options.logger.warn({ err: error, server: asker.serverName }, 'roots/list asker not recorded: the session store is unavailable');
    }
  }

  async list(gatewaySessionId: string): Promise<RootsAsker[]> {
    try {
      const entries = await this.connection.run('list roots askers', (client: Redis) => client.hgetall(this.key(gatewaySessionId)));
      return Object.entries(entries).map(([serverName, upstreamSessionId]) => ({ serverName, upstreamSessionId }));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'roots/list askers unknown: the session store is unavailable');
      return [];
    }
  }

  async dropSession(gatewaySessionId: string): Promise<void> {
    try {
      await this.connection.run('drop roots askers', (client: Redis) => client.del(this.key(gatewaySessionId)));
    } catch {
      // It expires by itself.
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
