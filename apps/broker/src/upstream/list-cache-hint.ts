// The caching hints a stateless-era (2026-07-28) upstream put on its cacheable results
// (MCP 2026-07-28 "Caching": `ttlMs` and `cacheScope` on `server/discover`, the four list
// results and `resources/read`), kept with the time the broker received them, so the
// gateway can tell its own clients how long what it aggregated from them stays fresh.
// Session-era upstreams send no hints: their connection reports none.

export type CacheScope = 'public' | 'private';

/** The cacheable operations whose hints the broker keeps per upstream. */
export type CacheableListMethod = 'server/discover' | 'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list';

export interface ReceivedCacheHint {
  /** Freshness the upstream granted, in ms (negative values were read as 0, spec "Time-to-Live"). */
  readonly ttlMs: number;
  readonly cacheScope: CacheScope;
  /** When the broker received the result (epoch ms): freshness counts from here. */
  readonly receivedAtMs: number;
}

export type ReceivedCacheHints = Readonly<Partial<Record<CacheableListMethod, ReceivedCacheHint>>>;

/**
 * The hint of one result as the spec reads it: an absent, negative or non-numeric `ttlMs`
 * is 0 (immediately stale); `cacheScope` other than "public" is treated as "private", the
 * safe reading of a value the broker does not understand.
 */
export function readCacheHint(result: Readonly<Record<string, unknown>>, receivedAtMs: number): ReceivedCacheHint {
  const ttl = result['ttlMs'];
  return {
    ttlMs: typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0 ? Math.floor(ttl) : 0,
    cacheScope: result['cacheScope'] === 'public' ? 'public' : 'private',
    receivedAtMs,
  };
}

/**
 * Combines the hints of the pages of one list: the whole list is fresh only while every
 * page is (shortest TTL, counted from the first page), and private if any page is
 * (spec: "Servers MUST apply the same cacheScope to all response pages").
 */
export function combineCacheHints(first: ReceivedCacheHint, next: ReceivedCacheHint): ReceivedCacheHint {
  const firstExpiry = first.receivedAtMs + first.ttlMs;
  const nextExpiry = next.receivedAtMs + next.ttlMs;
  const receivedAtMs = Math.min(first.receivedAtMs, next.receivedAtMs);
  return {
    ttlMs: Math.max(0, Math.min(firstExpiry, nextExpiry) - receivedAtMs),
    cacheScope: first.cacheScope === 'private' || next.cacheScope === 'private' ? 'private' : 'public',
    receivedAtMs,
  };
}

/** How much of a received hint's freshness is left at `nowMs` (never negative). */
export function remainingFreshnessMs(hint: ReceivedCacheHint, nowMs: number): number {
  return Math.max(0, hint.receivedAtMs + hint.ttlMs - nowMs);
}
