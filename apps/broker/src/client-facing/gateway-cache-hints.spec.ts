import { describe, expect, it } from '@jest/globals';
import type { UpstreamSource } from '../upstream/upstream-pool';
import { gatewayCacheHint } from './gateway-cache-hints';

const NOW = 1_000_000;

function source(name: string, overrides: Partial<UpstreamSource> = {}): UpstreamSource {
  return {
    server: { name, url: `http://127.0.0.1/${name}`, prefix: '' },
    state: 'ready',
    protocolVersion: '2026-07-28',
    listing: { tools: [{ name: 't' }], prompts: [], resources: [], resourceTemplates: [] },
    capabilities: { tools: {} },
    ...overrides,
  };
}

describe('the gateway\'s caching hints (MCP 2026-07-28 "Caching"), computed from the upstreams\'', () => {
  it('grants the least freshness left among the contributing upstreams, counted from when each answered', () => {
    const hint = gatewayCacheHint(
      'tools/list',
      [
        source('long', { cacheHints: { 'tools/list': { ttlMs: 60_000, cacheScope: 'public', receivedAtMs: NOW - 10_000 } } }),
        source('short', { cacheHints: { 'tools/list': { ttlMs: 30_000, cacheScope: 'public', receivedAtMs: NOW - 5_000 } } }),
      ],
      NOW,
    );
    expect(hint).toEqual({ ttlMs: 25_000, cacheScope: 'public' });
  });

  it('is private as soon as one contributing upstream says private', () => {
    const hint = gatewayCacheHint(
      'tools/list',
      [
        source('open', { cacheHints: { 'tools/list': { ttlMs: 60_000, cacheScope: 'public', receivedAtMs: NOW } } }),
        source('personal', { cacheHints: { 'tools/list': { ttlMs: 60_000, cacheScope: 'private', receivedAtMs: NOW } } }),
      ],
      NOW,
    );
    expect(hint.cacheScope).toBe('private');
  });

  it('counts an upstream without hints (session era) as immediately stale, and an expired hint as 0', () => {
    const withHints = source('modern', { cacheHints: { 'tools/list': { ttlMs: 60_000, cacheScope: 'public', receivedAtMs: NOW } } });
    expect(gatewayCacheHint('tools/list', [withHints, source('legacy', { protocolVersion: '2025-11-25' })], NOW)).toEqual({ ttlMs: 0, cacheScope: 'public' });
    expect(gatewayCacheHint('tools/list', [withHints], NOW + 61_000)).toEqual({ ttlMs: 0, cacheScope: 'public' });
  });

  it('ignores upstreams that do not contribute: not ready, or not declaring the family', () => {
    const fresh = source('fresh', { cacheHints: { 'tools/list': { ttlMs: 60_000, cacheScope: 'public', receivedAtMs: NOW } } });
    const down = source('down', { state: 'failed' });
    const promptsOnly = source('prompts-only', { capabilities: { prompts: {} }, listing: { tools: [], prompts: [{ name: 'p' }], resources: [], resourceTemplates: [] } });
    expect(gatewayCacheHint('tools/list', [fresh, down, promptsOnly], NOW)).toEqual({ ttlMs: 60_000, cacheScope: 'public' });
  });

  it('is immediately stale and public when nothing contributes', () => {
    expect(gatewayCacheHint('prompts/list', [], NOW)).toEqual({ ttlMs: 0, cacheScope: 'public' });
  });
});
