// Upstream sessions this router opened because an upstream had forgotten the previous one
// and the client was asked to repeat its call. A call that fails the same way on such a
// fresh session is not repeated again: behind Envoy the retry goes through the client, and
// this memory is what keeps it to one retry, as on the HTTP face. Bounded in size and time.

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_TTL_MS = 60_000;

export class RecentRenewals {
  /** Upstream session id → when it stops counting as fresh. Insertion order = age. */
  private readonly renewed = new Map<string, number>();

  constructor(
    private readonly ttlMs = DEFAULT_TTL_MS,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
    private readonly clock: () => number = Date.now,
  ) {}

  remember(upstreamSessionId: string): void {
    if (upstreamSessionId === '') return;
    if (this.renewed.size >= this.maxEntries) {
      const oldest = this.renewed.keys().next();
      if (!oldest.done) this.renewed.delete(oldest.value);
    }
    this.renewed.set(upstreamSessionId, this.clock() + this.ttlMs);
  }

  /** True when `upstreamSessionId` was opened by a renewal a moment ago. */
  isFresh(upstreamSessionId: string): boolean {
    const until = this.renewed.get(upstreamSessionId);
    if (until === undefined) return false;
    if (until > this.clock()) return true;
    this.renewed.delete(upstreamSessionId);
    return false;
  }
}
