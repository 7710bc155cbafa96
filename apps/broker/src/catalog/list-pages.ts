// The four aggregated list results, serialized and UTF-8 encoded once per catalog change
// and cut into pages, so answering `tools/list` is a lookup and a write of bytes that
// already exist (the catalog can hold thousands of tools; clients list often).
//
// Cursors are opaque to clients (spec 2025-11-25 "Pagination"): base64url of
// `<catalog version>.<page index>`. A cursor from an older catalog version still selects
// the page at that index in the current catalog: the client was sent list_changed and will
// list again; an unknown or out-of-range cursor is an error (-32602).
import type { CatalogSnapshot } from './catalog';

export type ListMethod = 'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list';

export const LIST_METHODS: readonly ListMethod[] = ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list'];

const RESULT_FIELD: Readonly<Record<ListMethod, string>> = {
  'tools/list': 'tools',
  'prompts/list': 'prompts',
  'resources/list': 'resources',
  'resources/templates/list': 'resourceTemplates',
};

/** `result` is the JSON of the page's `result` object, UTF-8 encoded; never mutate it. */
export type ListPageLookup = { readonly ok: true; readonly result: Buffer } | { readonly ok: false; readonly reason: string };

/** Entries per page at most. Each further page is one more round trip through router and
 * broker (about 0.4 ms on a loopback; most clients walk every page), so pages are large:
 * a catalog of a few thousand small tools is one answer. */
export const DEFAULT_LIST_PAGE_SIZE = 2_000;

/** Bytes of serialized entries per page at most (a page holds one entry at least), so a
 * catalog of large tool schemas still comes in pages a client can take in one piece. */
export const DEFAULT_MAX_LIST_PAGE_BYTES = 1024 * 1024;

export class ListPages {
  private version = 0;
  private pages: Record<ListMethod, readonly Buffer[]> = {
    'tools/list': [Buffer.from('{"tools":[]}')],
    'prompts/list': [Buffer.from('{"prompts":[]}')],
    'resources/list': [Buffer.from('{"resources":[]}')],
    'resources/templates/list': [Buffer.from('{"resourceTemplates":[]}')],
  };

  constructor(
    private readonly pageSize: number = DEFAULT_LIST_PAGE_SIZE,
    private readonly maxPageBytes: number = DEFAULT_MAX_LIST_PAGE_BYTES,
  ) {
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`list page size must be a positive integer, got ${pageSize}`);
    if (!Number.isInteger(maxPageBytes) || maxPageBytes < 1) throw new RangeError(`list page bytes must be a positive integer, got ${maxPageBytes}`);
  }

  rebuild(snapshot: CatalogSnapshot): void {
    const definitions: Record<ListMethod, readonly unknown[]> = {
      'tools/list': snapshot.tools.map((entry) => entry.definition),
      'prompts/list': snapshot.prompts.map((entry) => entry.definition),
      'resources/list': snapshot.resources.map((entry) => entry.definition),
      'resources/templates/list': snapshot.resourceTemplates.map((entry) => entry.definition),
    };
    const version = snapshot.version;
    const pages = {} as Record<ListMethod, readonly Buffer[]>;
    for (const method of LIST_METHODS) pages[method] = this.paginate(method, definitions[method], version);
    this.pages = pages;
    this.version = version;
  }

  /** The `result` JSON for one page; `cursor` undefined means the first page. */
  page(method: ListMethod, cursor: unknown): ListPageLookup {
    const pages = this.pages[method];
    const first = pages[0];
    if (cursor === undefined && first) return { ok: true, result: first };
    const index = typeof cursor === 'string' ? decodeCursor(cursor) : undefined;
    if (index === undefined) return { ok: false, reason: 'invalid cursor' };
    const result = pages[index];
    if (result === undefined) return { ok: false, reason: 'cursor is past the end of the list' };
    return { ok: true, result };
  }

  get catalogVersion(): number {
    return this.version;
  }

  /** Pages of at most `pageSize` entries and `maxPageBytes` bytes of entries (one entry
   * at least), each entry serialized once. */
  private paginate(method: ListMethod, items: readonly unknown[], version: number): Buffer[] {
    const field = RESULT_FIELD[method];
    const encoded = items.map((item) => JSON.stringify(item) ?? 'null');
    const pages: Buffer[] = [];
    let start = 0;
    do {
      let end = start;
      let bytes = 0;
      while (end < encoded.length && end - start < this.pageSize) {
        const size = Buffer.byteLength(encoded[end] as string) + 1;
        if (end > start && bytes + size > this.maxPageBytes) break;
        bytes += size;
        end += 1;
      }
      const next = end < encoded.length ? `,"nextCursor":${JSON.stringify(encodeCursor(version, pages.length + 1))}` : '';
      pages.push(Buffer.from(`{"${field}":[${encoded.slice(start, end).join(',')}]${next}}`, 'utf8'));
      start = end;
    } while (start < encoded.length);
    return pages;
  }
}

export function encodeCursor(version: number, pageIndex: number): string {
  return Buffer.from(`${version}.${pageIndex}`, 'utf8').toString('base64url');
}

/** The page index of a cursor this broker issued, or undefined when it is not one. */
export function decodeCursor(cursor: string): number | undefined {
  if (cursor.length === 0 || cursor.length > 64) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,15})\.(\d{1,9})$/.exec(decoded);
  if (!match) return undefined;
  return Number(match[2]);
}
