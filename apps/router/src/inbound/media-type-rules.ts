// The streamable HTTP header rules of MCP 2025-11-25 "Transports" for what a client sends:
// a POST must accept both application/json and text/event-stream and send
// application/json; a GET (the notification stream) must accept text/event-stream.
// `*/*` counts as accepting everything (RFC 9110 §12.5.1).

import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '@mcp-gateway/jsonrpc';

function accepts(accept: string, mediaType: string): boolean {
  return accept.includes(mediaType) || accept.includes('*/*');
}

export function requirePostMediaTypes(headers: IncomingHttpHeaders): void {
  const accept = (headers.accept ?? '').toLowerCase();
  if (!accepts(accept, 'application/json') || !accepts(accept, 'text/event-stream')) {
    throw new GatewayError('NOT_ACCEPTABLE', 'Not Acceptable: Client must accept both application/json and text/event-stream');
  }
  const contentType = (headers['content-type'] ?? '').toLowerCase();
  if (!contentType.startsWith('application/json')) {
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: Content-Type must be application/json');
  }
}

export function requireEventStreamAccepted(headers: IncomingHttpHeaders): void {
  const accept = (headers.accept ?? '').toLowerCase();
  if (!accepts(accept, 'text/event-stream')) {
    throw new GatewayError('NOT_ACCEPTABLE', 'Not Acceptable: Client must accept text/event-stream');
  }
}
