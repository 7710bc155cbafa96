// The JSON-RPC 2.0 message shapes MCP uses (JSON-RPC 2.0 §4-§5; MCP "Base Protocol").
// These types describe envelopes only: params and results stay `unknown` inside, because the
// gateway routes on the envelope and passes everything else through untouched.

export type JsonRpcId = string | number;

/** `params` is a structured value (JSON-RPC 2.0 §4.2): an object or an array, never a scalar or null. */
export type JsonRpcParams = Record<string, unknown> | unknown[];

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  /** MCP forbids null request ids (unlike plain JSON-RPC, which only discourages them). */
  id: JsonRpcId;
  method: string;
  params?: JsonRpcParams;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: JsonRpcParams;
}

export interface JsonRpcResultResponse {
  jsonrpc: '2.0';
  id: JsonRpcId;
  /** MCP results are always objects (schema `Result`). */
  result: Record<string, unknown>;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  /** Null only when the request's id could not be determined (JSON-RPC 2.0 §5). */
  id: JsonRpcId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcResultResponse | JsonRpcErrorResponse;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

export function isRequest(message: JsonRpcMessage): message is JsonRpcRequest {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

export function isNotification(message: JsonRpcMessage): message is JsonRpcNotification {
  return 'method' in message && !('id' in message && message.id !== undefined);
}

export function isResponse(message: JsonRpcMessage): message is JsonRpcResponse {
  return 'result' in message || 'error' in message;
}

export function isErrorResponse(message: JsonRpcMessage): message is JsonRpcErrorResponse {
  return 'error' in message;
}
