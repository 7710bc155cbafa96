// Raw HTTP for stateless-era requests (MCP 2026-07-28), for the tests that must see or forge
// what an SDK client would never send: the mirrored headers, the per-request `_meta`, the
// HTTP status and the JSON-RPC body as they are on the wire.
import { SseParser } from '@mcp-gateway/jsonrpc';

export const STATELESS_VERSION = '2026-07-28';

export interface WireAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON-RPC answer (the last message of an SSE answer). */
  readonly body: Record<string, unknown> | undefined;
  /** Every JSON-RPC message of the answer, in order (one for a JSON answer). */
  readonly messages: Array<Record<string, unknown>>;
}

export function envelope(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': STATELESS_VERSION,
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'wire-client', version: '1.0.0' },
    ...extra,
  };
}

/** The headers a conforming client sends for `method` (and `name` for routed methods). */
export function standardHeaders(method: string, name?: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': STATELESS_VERSION,
    'mcp-method': method,
    ...(name !== undefined ? { 'mcp-name': name } : {}),
  };
}

export async function postWire(url: string, headers: Record<string, string>, body: unknown): Promise<WireAnswer> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  const messages: Array<Record<string, unknown>> = [];
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    for (const event of new SseParser().push(`${text}\n\n`)) if (event.data !== '') messages.push(JSON.parse(event.data) as Record<string, unknown>);
  } else if (text !== '') {
    messages.push(JSON.parse(text) as Record<string, unknown>);
  }
  return { status: response.status, headers: response.headers, body: messages[messages.length - 1], messages };
}
