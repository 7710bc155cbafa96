// Envoy's header lists ↔ the header shapes the routing core works with. Envoy sends every
// value in `raw_value` (bytes) and lower-cases every name; pseudo-headers (`:method`,
// `:path`, `:authority`, `:status`) come in the same list. A mutation must carry its value
// in `raw_value` too: Envoy reads nothing else (INFRA.md, the ext_proc paragraph).

import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderMap, HeaderMutation, HeaderValueOption } from './ext-proc-messages';

export interface ReadHeaders {
  /** Regular headers; a repeated name becomes an array (set-cookie) or a comma list. */
  readonly headers: IncomingHttpHeaders;
  /** Pseudo-headers by name without the colon: method, path, authority, scheme, status. */
  readonly pseudo: Readonly<Record<string, string>>;
}

function valueOf(header: { readonly value?: string; readonly raw_value?: Buffer | Uint8Array }): string {
  const raw = header.raw_value;
  if (raw !== undefined && raw.length > 0) return Buffer.isBuffer(raw) ? raw.toString('latin1') : Buffer.from(raw).toString('latin1');
  return header.value ?? '';
}

export function readHeaderMap(map: HeaderMap | null | undefined): ReadHeaders {
  const headers: IncomingHttpHeaders = {};
  const pseudo: Record<string, string> = {};
  for (const header of map?.headers ?? []) {
    const name = header.key.toLowerCase();
    const value = valueOf(header);
    if (name.startsWith(':')) {
      pseudo[name.slice(1)] = value;
      continue;
    }
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else if (name === 'set-cookie') headers[name] = [existing, value];
    else headers[name] = `${existing}, ${value}`;
  }
  return { headers, pseudo };
}

/** One header set (replacing any value it had), value in raw_value. */
export function setHeader(key: string, value: string): HeaderValueOption {
  return { header: { key, raw_value: Buffer.from(value, 'latin1') } };
}

/** Headers to set (undefined values skipped, arrays joined) and names to remove. */
export function headerMutation(set: Readonly<Record<string, string | number | readonly string[] | undefined>>, remove: readonly string[] = []): HeaderMutation {
  const setHeaders: HeaderValueOption[] = [];
  for (const key in set) {
    const value = set[key];
    if (value === undefined) continue;
    setHeaders.push(setHeader(key, Array.isArray(value) ? value.join(', ') : String(value)));
  }
  return { set_headers: setHeaders, remove_headers: remove };
}
