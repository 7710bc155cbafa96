// The ClientStreamChannel shared by router replicas through Redis: a replica holding a GET
// stream of a session subscribes to the session's channel; a message is published there,
// and when no replica listens it is kept in a list until one subscribes. Publish-or-keep
// is one Lua script, so a message is never both missed by a subscriber that arrives at
// that moment and left out of the list: either the script ran before the SUBSCRIBE (the
// message is in the list, which the subscriber drains right after subscribing) or after
// it (the subscriber receives it).
//
//   <prefix>client-stream:{<sid>}        pub/sub channel of the session
//   <prefix>client-stream-kept:{<sid>}   LIST of kept messages, PX = keepMs, at most
//                                        MAX_KEPT_MESSAGES (oldest trimmed)
//
// One connection for commands, one in subscriber mode (shared by every session of this
// process; ioredis re-subscribes by itself after a reconnection). A SUBSCRIBE that fails
// (the store is down, or not reconnected yet after a restart) is retried with backoff
// while the stream stays open, then the messages kept meanwhile are handed over: a stream
// opened in that window would otherwise never hear from other replicas. Never logs session
// ids or messages.

import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX, RedisConnection, RedisScript } from '@mcp-gateway/session-store';
import type { RedisConnectionOptions } from '@mcp-gateway/session-store';
import type { Logger } from '@mcp-gateway/telemetry';
import type { ClientStreamChannel, ClientStreamSink } from './client-stream-channel';
import { MAX_KEPT_MESSAGES } from './client-stream-channel';
import { LocalSinks } from './local-sinks';

export interface RedisClientStreamChannelOptions extends Omit<RedisConnectionOptions, 'logger'> {
  readonly keyPrefix?: string;
  /** How long a kept message waits for a stream to open. */
  readonly keepMs: number;
  readonly logger: Logger;
}

const PUBLISH_OR_KEEP = new RedisScript(`
local receivers = redis.call('PUBLISH', ARGV[1], ARGV[2])
if receivers == 0 then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[4]), -1)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return receivers`);

const KEEP = new RedisScript(`
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`);

const TAKE_KEPT = new RedisScript(`
local kept = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return kept`);

/** Backoff of SUBSCRIBE retries while the store cannot answer. */
const RESUBSCRIBE_FIRST_DELAY_MS = 200;
const RESUBSCRIBE_MAX_DELAY_MS = 2_000;

export class RedisClientStreamChannel implements ClientStreamChannel {
  private readonly sinks = new LocalSinks();
  private readonly keyPrefix: string;
  private readonly resubscribes = new Set<NodeJS.Timeout>();

  static fromUrl(url: string, options: RedisClientStreamChannelOptions): RedisClientStreamChannel {
    const { logger, keyPrefix, keepMs, ...connection } = options;
    return new RedisClientStreamChannel(
      RedisConnection.fromUrl(url, { connectionName: 'mcp-gateway-client-stream', ...connection, logger }),
      RedisConnection.fromUrl(url, { connectionName: 'mcp-gateway-client-stream-subscriber', ...connection }),
      { keepMs, logger, ...(keyPrefix !== undefined ? { keyPrefix } : {}) },
    );
  }

  /** Takes ownership of both connections: close() closes them. */
  constructor(
    private readonly commands: RedisConnection,
    private readonly subscriber: RedisConnection,
    private readonly options: { readonly keepMs: number; readonly logger: Logger; readonly keyPrefix?: string },
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    subscriber.client.on('message', (channel: string, data: string) => this.received(channel, data));
  }

  channelName(gatewaySessionId: string): string {
    return `${this.keyPrefix}client-stream:{${gatewaySessionId}}`;
  }

  keptKey(gatewaySessionId: string): string {
    return `${this.keyPrefix}client-stream-kept:{${gatewaySessionId}}`;
  }

  async deliver(gatewaySessionId: string, data: string): Promise<void> {
    // A stream of the session right here: no round trip, and no second copy elsewhere.
    if (this.sinks.deliver(gatewaySessionId, data)) return;
    try {
      await this.commands.runScript('deliver to client stream', PUBLISH_OR_KEEP, [this.keptKey(gatewaySessionId)], [
        this.channelName(gatewaySessionId),
        data,
        this.options.keepMs,
        MAX_KEPT_MESSAGES,
      ]);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'a message for a client stream was lost: the session store is unavailable');
    }
  }

  async subscribe(gatewaySessionId: string, sink: ClientStreamSink): Promise<() => void> {
    const first = !this.sinks.has(gatewaySessionId);
    const remove = this.sinks.add(gatewaySessionId, sink);
    const channel = this.channelName(gatewaySessionId);
    if (first) {
      try {
        await this.subscriber.run('subscribe to client stream', (client: Redis) => client.subscribe(channel));
      } catch (error) {
        this.options.logger.warn({ err: error }, 'cannot follow a client stream across replicas yet: the session store is unavailable; retrying');
        this.resubscribeLater(gatewaySessionId, RESUBSCRIBE_FIRST_DELAY_MS);
      }
    }
    await this.takeKept(gatewaySessionId, sink);
    return () => {
      if (!remove()) return;
      this.subscriber.run('unsubscribe from client stream', (client: Redis) => client.unsubscribe(channel)).catch(() => undefined);
    };
  }

  async dropSession(gatewaySessionId: string): Promise<void> {
    try {
      await this.commands.run('drop kept client messages', (client: Redis) => client.del(this.keptKey(gatewaySessionId)));
    } catch {
      // They expire by themselves.
    }
  }

  async close(): Promise<void> {
    for (const timer of this.resubscribes) clearTimeout(timer);
    this.resubscribes.clear();
    this.sinks.clear();
    await this.subscriber.close();
    await this.commands.close();
  }

  private async takeKept(gatewaySessionId: string, sink: ClientStreamSink): Promise<void> {
    try {
      const kept = await this.commands.runScript('take kept client messages', TAKE_KEPT, [this.keptKey(gatewaySessionId)], []);
      if (Array.isArray(kept)) for (const data of kept) if (typeof data === 'string') sink(data);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'kept messages for a client stream could not be read: the session store is unavailable');
    }
  }

  /** Retries a failed SUBSCRIBE while a stream of the session is open here. */
  private resubscribeLater(gatewaySessionId: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.resubscribes.delete(timer);
      if (!this.sinks.has(gatewaySessionId)) return;
      const channel = this.channelName(gatewaySessionId);
      this.subscriber.run('subscribe to client stream', (client: Redis) => client.subscribe(channel)).then(
        async () => {
          if (!this.sinks.has(gatewaySessionId)) {
            // The stream closed meanwhile.
            await this.subscriber.run('unsubscribe from client stream', (client: Redis) => client.unsubscribe(channel)).catch(() => undefined);
            return;
          }
          // What was kept while nobody could subscribe goes to the session's newest stream.
          await this.takeKept(gatewaySessionId, (data) => void this.sinks.deliver(gatewaySessionId, data));
        },
        () => this.resubscribeLater(gatewaySessionId, Math.min(delayMs * 2, RESUBSCRIBE_MAX_DELAY_MS)),
      );
    }, delayMs);
    timer.unref();
    this.resubscribes.add(timer);
  }

  private received(channel: string, data: string): void {
    const gatewaySessionId = this.sessionOfChannel(channel);
    if (gatewaySessionId === undefined || this.sinks.deliver(gatewaySessionId, data)) return;
    // The stream closed while the message was on its way: keep it for the next one.
    this.commands
      .runScript('keep client message', KEEP, [this.keptKey(gatewaySessionId)], [data, this.options.keepMs, MAX_KEPT_MESSAGES])
      .catch(() => undefined);
  }

  private sessionOfChannel(channel: string): string | undefined {
    const head = `${this.keyPrefix}client-stream:{`;
    return channel.startsWith(head) && channel.endsWith('}') ? channel.slice(head.length, -1) : undefined;
  }
}
