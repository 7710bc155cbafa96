// The shared state the server-request path needs beside the id mapper: the way to clients'
// GET streams (ClientStreamChannel) and the record of roots askers. Redis when the gateway
// has a session store URL (every replica must see the same), in memory otherwise; whatever
// this opens it closes, what the caller passes in stays the caller's.

import type { GatewayConfig } from '@mcp-gateway/config';
import type { Logger } from '@mcp-gateway/telemetry';
import type { ClientStreamChannel } from './client-stream-channel';
import { InMemoryClientStreamChannel } from './in-memory-client-stream-channel';
import { RedisClientStreamChannel } from './redis-client-stream-channel';
import { RedisRootsAskers } from './redis-roots-askers';
import type { RootsAskers } from './roots-askers';
import { InMemoryRootsAskers } from './roots-askers';

export interface ServerRequestState {
  readonly channel: ClientStreamChannel;
  readonly rootsAskers: RootsAskers;
  /** Closes what was opened here. */
  close(): Promise<void>;
}

export function openServerRequestState(options: {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly channel?: ClientStreamChannel;
  readonly rootsAskers?: RootsAskers;
}): ServerRequestState {
  const { config, logger } = options;
  const url = config.sessionStore.url;
  const shared = { keyPrefix: config.sessionStore.keyPrefix, logger };
  // A kept message is worth keeping as long as the request in it may be answered.
  const keepMs = config.timeouts.upstreamRequestMs;
  const ownChannel = options.channel
    ? undefined
    : url
      ? RedisClientStreamChannel.fromUrl(url, { ...shared, keepMs })
      : new InMemoryClientStreamChannel({ keepMs });
  const ownAskers = options.rootsAskers
    ? undefined
    : url
      ? RedisRootsAskers.fromUrl(url, { ...shared, ttlMs: config.session.idleTtlMs })
      : new InMemoryRootsAskers(config.session.idleTtlMs);
  return {
    channel: options.channel ?? (ownChannel as ClientStreamChannel),
    rootsAskers: options.rootsAskers ?? (ownAskers as RootsAskers),
    close: async () => {
      await ownChannel?.close();
      await ownAskers?.close();
    },
  };
}
