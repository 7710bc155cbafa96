// The caching hints the gateway puts on its own cacheable results for stateless-era
// clients (MCP 2026-07-28 "Caching": `ttlMs` and `cacheScope` are required on
// `server/discover` and the four list results), computed from what the upstreams said:
//
// - an aggregated result is fresh only while every part of it is: ttlMs is the least
//   freshness left among the upstreams that contribute to it (ready, and declaring the
//   family), counted from when the broker received their results;
// - it is "private" as soon as one contributing upstream said "private";
// - an upstream that gave no hint (every session-era upstream) counts as ttlMs 0 — the
//   spec's reading of an absent hint — and as "public": the broker lists it once with its
//   own identity, so every client gets the same entries;
// - with no contributing upstream the (empty) result is ttlMs 0, "public".
import type { CacheScope, CacheableListMethod } from '../upstream/list-cache-hint';
import { remainingFreshnessMs } from '../upstream/list-cache-hint';
import type { UpstreamSource } from '../upstream/upstream-pool';

export interface GatewayCacheHint {
  readonly ttlMs: number;
  readonly cacheScope: CacheScope;
}

const FAMILY_OF: Readonly<Record<CacheableListMethod, string | undefined>> = {
  'server/discover': undefined,
  'tools/list': 'tools',
  'prompts/list': 'prompts',
  'resources/list': 'resources',
  'resources/templates/list': 'resources',
};

const LISTING_FIELD = {
  'tools/list': 'tools',
  'prompts/list': 'prompts',
  'resources/list': 'resources',
  'resources/templates/list': 'resourceTemplates',
} as const;

/** Whether `source` contributes to the result of `method` (discover: every ready upstream). */
function contributes(source: UpstreamSource, method: CacheableListMethod): boolean {
  if (source.state !== 'ready') return false;
  const family = FAMILY_OF[method];
  if (family === undefined) return true;
  if (source.capabilities !== undefined) return source.capabilities[family] !== undefined;
  const listing = source.listing;
  return listing !== undefined && listing[LISTING_FIELD[method as keyof typeof LISTING_FIELD]].length > 0;
}

export function gatewayCacheHint(method: CacheableListMethod, sources: readonly UpstreamSource[], nowMs: number): GatewayCacheHint {
  let ttlMs: number | undefined;
  let cacheScope: CacheScope = 'public';
  for (const source of sources) {
    if (!contributes(source, method)) continue;
    const hint = source.cacheHints?.[method];
    const remaining = hint === undefined ? 0 : remainingFreshnessMs(hint, nowMs);
    ttlMs = ttlMs === undefined ? remaining : Math.min(ttlMs, remaining);
    if (hint?.cacheScope === 'private') cacheScope = 'private';
  }
  return { ttlMs: ttlMs ?? 0, cacheScope };
}
