// Answers as a client of the other era must see them.
//
// To a stateless-era client (MCP 2026-07-28) a session-era upstream's answer lacks what the
// revision requires: `resultType` on every result ("Overview: ResultType"), caching hints on
// `resources/read` ("Caching": required on cacheable results; a 2025-era upstream gives
// none, so 0 ms — immediately stale — and "private"), and its resource-not-found code -32002
// is one this revision forbids (replaced by -32602). The gateway fills those in.
//
// Either way the answer gets the id of the client request it answers (a retried round has
// its own id) and, through a prefixed server, the gateway's resource URIs.
import { isErrorResponse, JsonRpcErrorCode, McpMethod } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcResponse } from '@mcp-gateway/jsonrpc';

const LEGACY_RESOURCE_NOT_FOUND = -32002;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface AnswerShaping {
  /** The id of the client request being answered. */
  readonly requestId: JsonRpcId;
  readonly method: string;
  /** Through a prefixed server: put in front of each `result.contents[].uri`. */
  readonly resultUriPrefix?: string;
  /** The client speaks the stateless era (fill in what that revision requires). */
  readonly statelessClient: boolean;
}

export function shapeAnswer(answer: JsonRpcResponse, shaping: AnswerShaping): JsonRpcResponse {
  if (isErrorResponse(answer)) {
    const code = shaping.statelessClient && answer.error.code === LEGACY_RESOURCE_NOT_FOUND ? JsonRpcErrorCode.InvalidParams : answer.error.code;
    return { jsonrpc: '2.0', id: shaping.requestId, error: { ...answer.error, code } };
  }
  let result: Record<string, unknown> = { ...answer.result };
  if (shaping.resultUriPrefix !== undefined && Array.isArray(result['contents'])) {
    const prefix = shaping.resultUriPrefix;
    result['contents'] = (result['contents'] as unknown[]).map((entry) =>
      isObject(entry) && typeof entry['uri'] === 'string' ? { ...entry, uri: prefix + entry['uri'] } : entry,
    );
  }
  if (shaping.statelessClient) {
    if (result['resultType'] === undefined) result = { resultType: 'complete', ...result };
    if (shaping.method === McpMethod.ResourcesRead && result['resultType'] === 'complete') {
      if (result['ttlMs'] === undefined) result['ttlMs'] = 0;
      if (result['cacheScope'] === undefined) result['cacheScope'] = 'private';
    }
  }
  return { jsonrpc: '2.0', id: shaping.requestId, result };
}
