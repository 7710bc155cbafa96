// The InputExchangeStore shared by every router replica. Key layout (prefix default
// `mcpgw:`): `<prefix>mrtr:record:<id>` STRING with PX; `<prefix>mrtr:mailbox:<name>` LIST
// (RPUSH/LPOP) whose PX is renewed by every post. take() is GETDEL (Redis ≥ 6.2), so one
// round continues an exchange however many replicas race. receive() polls LPOP with a short
// growing interval — these waits are human-paced (someone answering an elicitation), never
// on the hot path — and is woken at once when this process itself posted to the mailbox.
// Never logs keys or messages.
import { DEFAULT_KEY_PREFIX, RedisConnection } from '@mcp-gateway/session-store';
import type { RedisConnectionOptions } from '@mcp-gateway/session-store';
import type { InputExchangeStore } from './input-exchange-store';

export interface RedisInputExchangeStoreOptions extends RedisConnectionOptions {
  readonly keyPrefix?: string;
  /** First and longest pause between two polls of a mailbox (default 10 ms and 100 ms). */
  readonly minPollMs?: number;
  readonly maxPollMs?: number;
}

export class RedisInputExchangeStore implements InputExchangeStore {
  private readonly keyPrefix: string;
  private readonly minPollMs: number;
  private readonly maxPollMs: number;
  private readonly localWakers = new Map<string, Set<() => void>>();

  static fromUrl(url: string, options: RedisInputExchangeStoreOptions = {}): RedisInputExchangeStore {
    return new RedisInputExchangeStore(RedisConnection.fromUrl(url, { connectionName: 'mcp-gateway-input-exchanges', ...options }), options);
  }

  /** Takes ownership of `connection`: close() closes it. */
  constructor(
    private readonly connection: RedisConnection,
    options: Pick<RedisInputExchangeStoreOptions, 'keyPrefix' | 'minPollMs' | 'maxPollMs'> = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.minPollMs = options.minPollMs ?? 10;
    this.maxPollMs = options.maxPollMs ?? 100;
  }

  async save(id: string, record: string, ttlMs: number): Promise<void> {
    await this.connection.run('save input exchange', (client) => client.set(this.recordKey(id), record, 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async take(id: string): Promise<string | undefined> {
    const value = await this.connection.run('take input exchange', (client) => client.getdel(this.recordKey(id)));
    return value ?? undefined;
  }

  async post(mailbox: string, message: string, ttlMs: number): Promise<void> {
    const key = this.mailboxKey(mailbox);
    await this.connection.run('post to mailbox', async (client) => {
      const results = await client.multi().rpush(key, message).pexpire(key, Math.max(1, Math.ceil(ttlMs))).exec();
      const failed = results?.find(([error]) => error !== null);
      if (failed) throw failed[0];
    });
    for (const wake of this.localWakers.get(mailbox) ?? []) wake();
  }

  async receive(mailbox: string, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const key = this.mailboxKey(mailbox);
    const pop = async (): Promise<string | undefined> =>
      (await this.connection.run('receive from mailbox', (client) => client.lpop(key))) ?? undefined;
    const deadline = Date.now() + Math.max(0, timeoutMs);
    let pause = this.minPollMs;
    for (;;) {
      const message = await pop();
      if (message !== undefined) return message;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return undefined;
      await this.pauseUnlessWoken(mailbox, Math.min(pause, left), signal);
      pause = Math.min(this.maxPollMs, pause * 2);
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /** Sleeps `ms`, or less when this process posts to `mailbox` or `signal` fires. */
  private pauseUnlessWoken(mailbox: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const wakers = this.localWakers.get(mailbox) ?? new Set<() => void>();
      this.localWakers.set(mailbox, wakers);
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        wakers.delete(done);
        if (wakers.size === 0) this.localWakers.delete(mailbox);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      wakers.add(done);
    });
  }

  private recordKey(id: string): string {
    return `${this.keyPrefix}mrtr:record:${id}`;
  }

  private mailboxKey(mailbox: string): string {
    return `${this.keyPrefix}mrtr:mailbox:${mailbox}`;
  }
}
