// The InputExchangeStore of a single router process (no Redis configured): maps with
// expiry times, and waiters woken as soon as a message is posted.
import type { InputExchangeStore } from './input-exchange-store';

interface Expiring<T> {
  value: T;
  expiresAtMs: number;
}

type Waiter = () => void;

export class InMemoryInputExchangeStore implements InputExchangeStore {
  private readonly records = new Map<string, Expiring<string>>();
  private readonly mailboxes = new Map<string, Expiring<string[]>>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    // Expired entries nobody asks for again are dropped once a minute.
    this.sweepTimer = setInterval(() => this.sweep(), 60_000);
    this.sweepTimer.unref();
  }

  async save(id: string, record: string, ttlMs: number): Promise<void> {
    this.records.set(id, { value: record, expiresAtMs: this.clock() + ttlMs });
  }

  async take(id: string): Promise<string | undefined> {
    const entry = this.records.get(id);
    this.records.delete(id);
    return entry && entry.expiresAtMs > this.clock() ? entry.value : undefined;
  }

  async post(mailbox: string, message: string, ttlMs: number): Promise<void> {
    const live = this.liveMailbox(mailbox);
    const expiresAtMs = this.clock() + ttlMs;
    if (live) {
      live.value.push(message);
      live.expiresAtMs = expiresAtMs;
    } else {
      this.mailboxes.set(mailbox, { value: [message], expiresAtMs });
    }
    for (const wake of this.waiters.get(mailbox) ?? []) wake();
  }

  async receive(mailbox: string, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const now = this.shift(mailbox);
    if (now !== undefined || timeoutMs <= 0 || signal?.aborted) return now;
    return new Promise<string | undefined>((resolve) => {
      const waiters = this.waiters.get(mailbox) ?? new Set<Waiter>();
      this.waiters.set(mailbox, waiters);
      const finish = (value: string | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(wake);
        if (waiters.size === 0) this.waiters.delete(mailbox);
        resolve(value);
      };
      const wake: Waiter = () => {
        const message = this.shift(mailbox);
        if (message !== undefined) finish(message);
      };
      const onAbort = (): void => finish(undefined);
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.records.clear();
    this.mailboxes.clear();
  }

  private liveMailbox(mailbox: string): Expiring<string[]> | undefined {
    const entry = this.mailboxes.get(mailbox);
    if (entry && entry.expiresAtMs <= this.clock()) {
      this.mailboxes.delete(mailbox);
      return undefined;
    }
    return entry;
  }

  private shift(mailbox: string): string | undefined {
    const entry = this.liveMailbox(mailbox);
    if (!entry) return undefined;
    const message = entry.value.shift();
    if (entry.value.length === 0) this.mailboxes.delete(mailbox);
    return message;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [id, entry] of this.records) if (entry.expiresAtMs <= now) this.records.delete(id);
    for (const [id, entry] of this.mailboxes) if (entry.expiresAtMs <= now) this.mailboxes.delete(id);
  }
}
