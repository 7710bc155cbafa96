// One ioredis client configured to fail fast: while Redis is unreachable every call rejects
// at once with SessionStoreUnavailableError instead of queueing (no offline queue, at most
// one retry of an in-flight command, a per-command timeout for a hung server), and the client
// keeps reconnecting with capped exponential backoff so the same instance works again when
// Redis is back. It must never log credentials or keys.

import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { parseRedisUrl } from './redis-url';
import type { RedisEndpoint } from './redis-url';
import { RedisScript } from './redis-script';
import { SessionStoreUnavailableError } from './session-store-unavailable-error';
import type { StoreLogger } from './store-logger';

export interface RedisConnectionOptions {
  /** Socket connect timeout, and how long calls made right after construction wait for the
   * very first connection (default 2000 ms). Later outages never wait: calls fail at once. */
  readonly connectTimeoutMs?: number;
  /** Per-command timeout, which bounds calls to a hung server (default 1000 ms). */
  readonly commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts (default 2000 ms). */
  readonly maxReconnectDelayMs?: number;
  /** PEM CA certificate(s) to trust for `rediss://` instead of the system store (a
   * private CA). The server name is always checked. */
  readonly tlsCa?: string | Buffer;
  /** Shown in `CLIENT LIST` (default `mcp-gateway`). */
  readonly connectionName?: string;
  readonly logger?: StoreLogger;
}

export class RedisConnection {
  readonly client: Redis;
  private readonly endpoint: RedisEndpoint;
  private readonly logger: StoreLogger | undefined;
  private readonly firstConnectionDeadline: number;
  private readonly firstReady: Promise<void>;
  private everReady = false;
  private outage = false;
  private closed = false;

  static fromUrl(url: string, options: RedisConnectionOptions = {}): RedisConnection {
    return new RedisConnection(parseRedisUrl(url), options);
  }

  constructor(endpoint: RedisEndpoint, options: RedisConnectionOptions = {}) {
    this.endpoint = endpoint;
    this.logger = options.logger;
    const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 2000;
    const redisOptions: RedisOptions = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username,
      password: endpoint.password,
      db: endpoint.db,
      tls: endpoint.tls ? { servername: isIpAddress(endpoint.host) ? undefined : endpoint.host, ca: options.tlsCa } : undefined,
      connectionName: options.connectionName ?? 'mcp-gateway',
      connectTimeout: connectTimeoutMs,
      // How long disconnect() waits for a graceful socket end before destroying it.
      disconnectTimeout: 200,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      // Fail fast instead of queueing unboundedly while disconnected.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Capped exponential backoff with jitter, forever: the process must recover by itself.
      retryStrategy: (attempt) => {
        const delay = Math.min(maxReconnectDelayMs, 50 * 2 ** Math.min(attempt - 1, 10));
        return Math.round(delay * (0.8 + Math.random() * 0.4));
      },
    };
    this.client = new Redis(redisOptions);
    this.firstConnectionDeadline = Date.now() + connectTimeoutMs;
    this.firstReady = new Promise((resolve) => this.client.once('ready', () => resolve()));
    this.client.on('ready', () => {
      this.everReady = true;
      if (this.outage) {
        this.outage = false;
        this.logger?.info(this.describe(), 'session store connection is back');
      }
    });
    // Without an 'error' listener ioredis prints every failed reconnection attempt.
    this.client.on('error', (error: Error) => {
      if (this.outage || this.closed) return;
      this.outage = true;
      this.logger?.warn({ ...this.describe(), error: error.message }, 'session store connection lost; calls fail until it is back');
    });
    this.client.on('close', () => {
      if (this.closed || this.outage || !this.everReady) return;
      this.outage = true;
      this.logger?.warn(this.describe(), 'session store connection closed; calls fail until it is back');
    });
  }

  /** Runs `operation` on the client, turning every failure into SessionStoreUnavailableError. */
  async run<T>(what: string, operation: (client: Redis) => Promise<T>): Promise<T> {
    await this.whenUsable(what);
    try {
      return await operation(this.client);
    } catch (error) {
      throw new SessionStoreUnavailableError(`session store unavailable (${what}): ${messageOf(error)}`, { cause: error });
    }
  }

  /** Runs a Lua script, with the same error mapping as run(). */
  runScript(what: string, script: RedisScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return this.run(what, (client) => script.run(client, keys, args));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.isReady()) {
      // QUIT lets Redis answer what is in flight first; bounded by commandTimeout. The
      // server then closes the connection and the client ends by itself.
      const ended = new Promise<void>((resolve) => this.client.once('end', () => resolve()));
      const quit = await this.client.quit().then(
        () => true,
        () => false,
      );
      if (quit) {
        await ended;
        return;
      }
    }
    if (this.client.status !== 'end') this.client.disconnect();
  }

  private async whenUsable(what: string): Promise<void> {
    if (this.closed) throw new SessionStoreUnavailableError(`session store unavailable (${what}): the store is closed`);
    if (this.everReady || this.isReady()) return;
    // Only before the first connection: a process that starts alongside its Redis should
    // not fail its first calls, but it must not wait past the connect timeout either.
    const remaining = this.firstConnectionDeadline - Date.now();
    if (remaining > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.firstReady, new Promise((resolve) => (timer = setTimeout(resolve, remaining)))]);
      clearTimeout(timer);
    }
    // Read again: the status changed while we waited.
    if (!this.isReady()) {
      throw new SessionStoreUnavailableError(`session store unavailable (${what}): not connected to ${this.endpoint.host}:${this.endpoint.port}`);
    }
  }

  private isReady(): boolean {
    return this.client.status === 'ready';
  }

  private describe(): Record<string, unknown> {
    return { store: 'redis', host: this.endpoint.host, port: this.endpoint.port, db: this.endpoint.db, tls: this.endpoint.tls };
  }
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
