import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { buildCatalog } from './catalog';
import type { CatalogSnapshot } from './catalog';
import { ListPages, decodeCursor, encodeCursor } from './list-pages';
import { GatewayMethods } from '../client-facing/gateway-methods';

function snapshotWithTools(count: number, version = 1): CatalogSnapshot {
  const tools = Array.from({ length: count }, (_, index) => ({
    name: `tool_${index}`,
    description: `Tool number ${index}, which does something useful with its input`,
    inputSchema: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'number' } }, required: ['query'] },
  }));
  return {
    version,
    ...buildCatalog([
      { server: { name: 's', url: 'http://127.0.0.1:1/mcp', prefix: '' }, state: 'ready', protocolVersion: '2025-11-25', listing: { tools, prompts: [], resources: [], resourceTemplates: [] } },
    ]),
  };
}

function walk(pages: ListPages): string[] {
  const names: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = pages.page('tools/list', cursor);
    if (!page.ok) throw new Error(page.reason);
    const result = JSON.parse(page.result.toString('utf8')) as { tools: Array<{ name: string }>; nextCursor?: string };
    names.push(...result.tools.map((tool) => tool.name));
    if (result.nextCursor === undefined) return names;
    cursor = result.nextCursor;
  }
  throw new Error('pagination did not end');
}

describe('ListPages', () => {
  it('cuts a list into pages whose cursors lead through every item exactly once', () => {
    const pages = new ListPages(7);
    pages.rebuild(snapshotWithTools(30));
    expect(walk(pages)).toEqual(Array.from({ length: 30 }, (_, index) => `tool_${index}`));
  });

  it('answers an empty list with one page and no cursor', () => {
    const pages = new ListPages(10);
    pages.rebuild(snapshotWithTools(0));
    const page = pages.page('prompts/list', undefined);
    expect(page.ok && page.result.toString('utf8')).toBe('{"prompts":[]}');
  });

  it('refuses cursors it did not issue and cursors past the end', () => {
    const pages = new ListPages(10);
    pages.rebuild(snapshotWithTools(15));
    expect(pages.page('tools/list', 'not-a-cursor').ok).toBe(false);
    expect(pages.page('tools/list', 42).ok).toBe(false);
    expect(pages.page('tools/list', encodeCursor(1, 5)).ok).toBe(false);
  });

  it('keeps serving a cursor from an older catalog version at the same page index', () => {
    const pages = new ListPages(10);
    pages.rebuild(snapshotWithTools(25, 1));
    const first = JSON.parse((pages.page('tools/list', undefined) as { result: Buffer }).result.toString('utf8')) as { nextCursor: string };
    pages.rebuild(snapshotWithTools(25, 2));
    expect(pages.page('tools/list', first.nextCursor).ok).toBe(true);
  });

  it('starts a new page before one would pass its byte budget, and never leaves an entry out', () => {
    const oneEntryBytes = JSON.stringify(snapshotWithTools(1).tools[0]?.definition).length;
    const pages = new ListPages(1_000, oneEntryBytes * 3 + 3);
    pages.rebuild(snapshotWithTools(10));
    const first = JSON.parse((pages.page('tools/list', undefined) as { result: Buffer }).result.toString('utf8')) as { tools: unknown[] };
    expect(first.tools).toHaveLength(3);
    expect(walk(pages)).toEqual(Array.from({ length: 10 }, (_, index) => `tool_${index}`));
    // An entry larger than the budget still gets a page of its own.
    const tiny = new ListPages(1_000, 1);
    tiny.rebuild(snapshotWithTools(4));
    expect(walk(tiny)).toEqual(['tool_0', 'tool_1', 'tool_2', 'tool_3']);
  });

  it('lists a catalog of a thousand small tools in one page by default', () => {
    const pages = new ListPages();
    pages.rebuild(snapshotWithTools(1_000));
    const first = JSON.parse((pages.page('tools/list', undefined) as { result: Buffer }).result.toString('utf8')) as { tools: unknown[]; nextCursor?: string };
    expect(first.tools).toHaveLength(1_000);
    expect(first.nextCursor).toBeUndefined();
  });

  it('round-trips cursors', () => {
    expect(decodeCursor(encodeCursor(12, 3))).toBe(3);
    expect(decodeCursor('')).toBeUndefined();
  });

  it('answers tools/list over 1,000 tools in well under 2 ms', () => {
    const pages = new ListPages(1_000);
    pages.rebuild(snapshotWithTools(1_000));
    const methods = new GatewayMethods(pages, { name: 'gw', version: '0' });
    const request = { jsonrpc: '2.0' as const, id: 1, method: 'tools/list', params: {} };
    for (let i = 0; i < 50; i++) methods.respond(request); // warm up
    const samples: number[] = [];
    for (let i = 0; i < 500; i++) {
      const started = performance.now();
      const response = methods.respond({ ...request, id: i });
      samples.push(performance.now() - started);
      const bytes = response.reduce((sum, chunk) => sum + chunk.length, 0);
      if (bytes < 100_000) throw new Error('the page should hold all 1,000 tools');
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)] ?? Infinity;
    const p99 = samples[Math.floor(samples.length * 0.99)] ?? Infinity;
    // Serializing 1,000 tools per request costs about 1 ms on our machines; answering from
    // the pre-encoded page must be far below that.
    expect(median).toBeLessThan(0.1);
    expect(p99).toBeLessThan(1);
  });
});
