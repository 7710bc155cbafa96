import { describe, expect, it } from '@jest/globals';
import { combineCacheHints, readCacheHint, remainingFreshnessMs } from './list-cache-hint';

describe('caching hints as received from a stateless-era upstream', () => {
  it('reads absent, negative or non-numeric ttlMs as 0 and anything but "public" as private', () => {
    expect(readCacheHint({ ttlMs: 5_000, cacheScope: 'public' }, 100)).toEqual({ ttlMs: 5_000, cacheScope: 'public', receivedAtMs: 100 });
    expect(readCacheHint({}, 100)).toEqual({ ttlMs: 0, cacheScope: 'private', receivedAtMs: 100 });
    expect(readCacheHint({ ttlMs: -4, cacheScope: 'shared' }, 100)).toEqual({ ttlMs: 0, cacheScope: 'private', receivedAtMs: 100 });
    expect(readCacheHint({ ttlMs: '60000' }, 100).ttlMs).toBe(0);
  });

  it('combines the pages of one list: fresh while every page is, private if any page is', () => {
    const first = { ttlMs: 10_000, cacheScope: 'public' as const, receivedAtMs: 1_000 };
    const second = { ttlMs: 3_000, cacheScope: 'private' as const, receivedAtMs: 2_000 };
    expect(combineCacheHints(first, second)).toEqual({ ttlMs: 4_000, cacheScope: 'private', receivedAtMs: 1_000 });
  });

  it('counts freshness down from when the result arrived, never below 0', () => {
    const hint = { ttlMs: 10_000, cacheScope: 'public' as const, receivedAtMs: 1_000 };
    expect(remainingFreshnessMs(hint, 4_000)).toBe(7_000);
    expect(remainingFreshnessMs(hint, 20_000)).toBe(0);
  });
});
