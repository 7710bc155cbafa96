// What one upstream offers (tools, prompts, resources, resource templates), fetched page by
// page. MCP list results are paginated with an opaque `nextCursor` (spec 2025-11-25,
// "Pagination"): we follow it until it is absent, and refuse a server whose cursors never
// end, so one broken upstream cannot keep the broker busy forever.
import type { Client, ServerCapabilities } from '@modelcontextprotocol/client';
import { combineCacheHints, readCacheHint } from './list-cache-hint';
import type { CacheableListMethod, ReceivedCacheHint, ReceivedCacheHints } from './list-cache-hint';

/** A listed item keeps every field the upstream sent; the gateway rewrites only its key. */
export type ListedTool = Readonly<{ name: string } & Record<string, unknown>>;
export type ListedPrompt = Readonly<{ name: string } & Record<string, unknown>>;
export type ListedResource = Readonly<{ uri: string } & Record<string, unknown>>;
export type ListedResourceTemplate = Readonly<{ uriTemplate: string } & Record<string, unknown>>;

export interface UpstreamListing {
  readonly tools: readonly ListedTool[];
  readonly prompts: readonly ListedPrompt[];
  readonly resources: readonly ListedResource[];
  readonly resourceTemplates: readonly ListedResourceTemplate[];
  /** Stateless-era upstreams: the caching hints of each list (all pages combined). */
  readonly cacheHints?: ReceivedCacheHints;
}

/** The families a `notifications/<family>/list_changed` names; `resources` covers templates too. */
export type ListFamily = 'tools' | 'prompts' | 'resources';
export const LIST_FAMILIES: readonly ListFamily[] = ['tools', 'prompts', 'resources'];

export const EMPTY_LISTING: UpstreamListing = Object.freeze({ tools: [], prompts: [], resources: [], resourceTemplates: [] });

/** A list that did not terminate: same cursor twice, or more pages than any sane server sends. */
export class UpstreamPaginationError extends Error {
  readonly code = 'UPSTREAM_PAGINATION';
  constructor(method: string, reason: string) {
    super(`${method}: ${reason}`);
    this.name = 'UpstreamPaginationError';
  }
}

export interface ListingOptions {
  /** Per page request. */
  readonly timeoutMs: number;
  readonly maxPages?: number;
  readonly signal?: AbortSignal;
  /** Keep the `ttlMs`/`cacheScope` hints of the results (stateless-era upstreams only). */
  readonly keepCacheHints?: boolean;
  readonly clock?: () => number;
}

const DEFAULT_MAX_PAGES = 1_000;
const METHOD_NOT_FOUND = -32601;

type Page = { readonly items: readonly unknown[]; readonly nextCursor: string | undefined };
type ListMethod = Exclude<CacheableListMethod, 'server/discover'>;

/**
 * Fetches the given families (all pages) and returns `previous` with those families
 * replaced. A family the server did not declare in its capabilities is empty.
 */
export async function fetchUpstreamListing(
  client: Client,
  capabilities: ServerCapabilities,
  families: ReadonlySet<ListFamily>,
  previous: UpstreamListing,
  options: ListingOptions,
): Promise<UpstreamListing> {
  const clock = options.clock ?? Date.now;
  const hints: Partial<Record<ListMethod, ReceivedCacheHint>> = {};
  const request = (method: ListMethod) =>
    async (cursor: string | undefined): Promise<Page> => {
      const result = await client.request(
        { method, params: cursor === undefined ? {} : { cursor } },
        { timeout: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
      );
      const record = result as Record<string, unknown>;
      if (options.keepCacheHints) {
        const hint = readCacheHint(record, clock());
        const earlier = hints[method];
        hints[method] = earlier === undefined ? hint : combineCacheHints(earlier, hint);
      }
      const key = method === 'tools/list' ? 'tools' : method === 'prompts/list' ? 'prompts' : method === 'resources/list' ? 'resources' : 'resourceTemplates';
      const items = record[key];
      const nextCursor = record['nextCursor'];
      return { items: Array.isArray(items) ? items : [], nextCursor: typeof nextCursor === 'string' ? nextCursor : undefined };
    };

  const [tools, prompts, resources, resourceTemplates] = await Promise.all([
    families.has('tools')
      ? capabilities.tools ? walkPages('tools/list', request('tools/list'), isNamed, options) : []
      : previous.tools,
    families.has('prompts')
      ? capabilities.prompts ? walkPages('prompts/list', request('prompts/list'), isNamed, options) : []
      : previous.prompts,
    families.has('resources')
      ? capabilities.resources ? walkPages('resources/list', request('resources/list'), isResource, options) : []
      : previous.resources,
    families.has('resources')
      ? capabilities.resources
        ? walkPages('resources/templates/list', request('resources/templates/list'), isResourceTemplate, options)
        : []
      : previous.resourceTemplates,
  ]);
  if (!options.keepCacheHints) return { tools, prompts, resources, resourceTemplates };
  // Families not fetched now keep the hints they had; fetched ones get the new hints (or none,
  // when the family is not declared and so was not listed).
  const cacheHints: Partial<Record<CacheableListMethod, ReceivedCacheHint>> = { ...previous.cacheHints };
  const fetched: ReadonlyArray<readonly [ListFamily, readonly ListMethod[]]> = [
    ['tools', ['tools/list']],
    ['prompts', ['prompts/list']],
    ['resources', ['resources/list', 'resources/templates/list']],
  ];
  for (const [family, methods] of fetched) {
    if (!families.has(family)) continue;
    for (const method of methods) {
      const hint = hints[method];
      if (hint === undefined) delete cacheHints[method];
      else cacheHints[method] = hint;
    }
  }
  return { tools, prompts, resources, resourceTemplates, cacheHints };
}

async function walkPages<T>(
  method: string,
  fetchPage: (cursor: string | undefined) => Promise<Page>,
  accept: (item: unknown) => item is T,
  options: ListingOptions,
): Promise<T[]> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const items: T[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  try {
    for (let pages = 0; ; pages++) {
      if (pages >= maxPages) throw new UpstreamPaginationError(method, `more than ${maxPages} pages`);
      const page = await fetchPage(cursor);
      for (const item of page.items) if (accept(item)) items.push(item);
      if (page.nextCursor === undefined) return items;
      if (seenCursors.has(page.nextCursor)) throw new UpstreamPaginationError(method, 'the server repeated a cursor');
      seenCursors.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  } catch (error) {
    // A server that declares a capability must answer its list (spec: "Capabilities"), but
    // some only implement part of it (typically no resources/templates/list): treat
    // "method not found" as an empty list rather than failing the whole upstream.
    if (cursor === undefined && (error as { code?: unknown }).code === METHOD_NOT_FOUND) return [];
    throw error;
  }
}

function isRecord(item: unknown): item is Record<string, unknown> {
  return typeof item === 'object' && item !== null && !Array.isArray(item);
}
// Items without a usable key cannot be routed; they are left out rather than published
// (a router refuses a routing table with an empty name).
function hasKey(item: unknown, key: string): boolean {
  return isRecord(item) && typeof item[key] === 'string' && item[key] !== '';
}
function isNamed(item: unknown): item is ListedTool {
  return hasKey(item, 'name');
}
function isResource(item: unknown): item is ListedResource {
  return hasKey(item, 'uri');
}
function isResourceTemplate(item: unknown): item is ListedResourceTemplate {
  return hasKey(item, 'uriTemplate');
}
