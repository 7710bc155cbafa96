import type { JsonRpcErrorResponse, JsonRpcId } from './json-rpc-message';

/**
 * Builds a JSON-RPC error response (JSON-RPC 2.0 §5). `data` is left out entirely when
 * undefined, so the serialized body never carries `"data":null` by accident.
 */
export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): JsonRpcErrorResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: data === undefined ? { code, message } : { code, message, data },
  };
}
