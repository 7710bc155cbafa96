// The head of an upstream's or the broker's answer as the client gets it, read in one pass
// over `rawHeaders`: the header lines to relay as a flat list for `writeHead` (hop-by-hop
// fields dropped, RFC 9110 §7.6.1; Mcp-Session-Id replaced by the gateway's on routed
// calls), whether the body is an SSE stream, and its declared length. Reading rawHeaders
// instead of `IncomingMessage.headers` spares building a header object per answer (Node
// builds it lazily, on first access), and writeHead serialises a flat list as it is.
// Header lines are relayed one by one, repeated ones included, as they came.

import type { AnswerStream } from '../outbound/upstream-answer';

export interface RelayedHead {
  /** `[name, value, …]` for `ServerResponse.writeHead`. */
  readonly lines: string[];
  readonly isEventStream: boolean;
  /** The answer's Content-Length, when it declared a valid one. */
  readonly contentLength: number | undefined;
}

/** Names never relayed, by length first: most names are rejected without lower-casing. */
const NOT_RELAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'trailer', 'proxy-connection']);
const NOT_RELAYED_LENGTHS = new Set([...NOT_RELAYED].map((name) => name.length));
const SESSION_HEADER = 'mcp-session-id';
const CONTENT_TYPE = 'content-type';
const CONTENT_LENGTH = 'content-length';

/**
 * `gatewaySessionId`: a routed call's gateway session — the upstream's Mcp-Session-Id is
 * replaced by it ("" = a stateless-era call, which gets none, MCP 2026-07-28); undefined
 * relays the answer's own (the broker issues the gateway's ids).
 */
export function relayedHead(response: AnswerStream, gatewaySessionId: string | undefined): RelayedHead {
  const raw = response.rawHeaders;
  const lines: string[] = [];
  let isEventStream = false;
  let contentLength: number | undefined;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    const value = raw[index + 1] as string;
    switch (name.length) {
      case CONTENT_TYPE.length:
        if (name.toLowerCase() === CONTENT_TYPE) isEventStream ||= value.includes('text/event-stream');
        break;
      case SESSION_HEADER.length: {
        // content-length and mcp-session-id have the same length.
        const lower = name.toLowerCase();
        if (lower === SESSION_HEADER) {
          if (gatewaySessionId !== undefined) continue;
        } else if (lower === CONTENT_LENGTH) {
          const length = Number(value);
          if (value !== '' && Number.isSafeInteger(length) && length >= 0) contentLength = length;
        }
        break;
      }
      default:
        if (NOT_RELAYED_LENGTHS.has(name.length) && NOT_RELAYED.has(name.toLowerCase())) continue;
    }
    lines.push(name, value);
  }
  if (gatewaySessionId !== undefined && gatewaySessionId !== '') lines.push(SESSION_HEADER, gatewaySessionId);
  return { lines, isEventStream, contentLength };
}

/** `lines` without Content-Length (a rewritten body has another length). */
export function withoutContentLength(lines: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index + 1 < lines.length; index += 2) {
    const name = lines[index] as string;
    if (name.length === CONTENT_LENGTH.length && name.toLowerCase() === CONTENT_LENGTH) continue;
    kept.push(name, lines[index + 1] as string);
  }
  return kept;
}
