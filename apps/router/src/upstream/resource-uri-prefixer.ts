// The answer to `resources/read` names each content by URI (MCP 2025-11-25 "Resources:
// Reading Resources"). Through a prefixed server the client asked for `prefix + uri`; it
// must get the same gateway URI back, not the upstream's own, or it would hold a URI the
// gateway does not know. Only the `uri` of each entry of `result.contents` changes.

import { isErrorResponse, isResponse, parseJsonRpc, serializeJsonRpc } from '@mcp-gateway/jsonrpc';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cheap byte test: can this body hold a resources/read result? */
export function mayHoldResourceContents(data: string | Buffer): boolean {
  return data.indexOf('"contents"') !== -1;
}

/** The answer with gateway URIs, or undefined when it is not a resources/read result. */
export function withGatewayResourceUris(data: string | Buffer, gatewayPrefix: string): string | undefined {
  const parsed = parseJsonRpc(data);
  if (!parsed.ok || parsed.kind !== 'single') return undefined;
  const message = parsed.message;
  if (!isResponse(message) || isErrorResponse(message)) return undefined;
  const contents = message.result['contents'];
  if (!Array.isArray(contents)) return undefined;
  const rewritten = contents.map((entry: unknown) =>
    isObject(entry) && typeof entry['uri'] === 'string' ? { ...entry, uri: gatewayPrefix + entry['uri'] } : entry,
  );
  return serializeJsonRpc({ ...message, result: { ...message.result, contents: rewritten } });
}
