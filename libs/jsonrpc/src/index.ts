// Public API of @mcp-gateway/jsonrpc: the JSON-RPC 2.0 codec, SSE framing, error families and
// MCP method knowledge shared by the router and the broker. Everything else is internal.
export type {
  JsonRpcId,
  JsonRpcParams,
  JsonRpcRequest,
  JsonRpcNotification,
  JsonRpcResultResponse,
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcResponse,
  JsonRpcMessage,
} from './json-rpc-message';
export { isRequest, isNotification, isResponse, isErrorResponse } from './json-rpc-message';

export { JsonRpcErrorCode } from './json-rpc-error-code';
export type { JsonRpcErrorCodeName, KnownJsonRpcErrorCode } from './json-rpc-error-code';
export { errorResponse } from './error-response';
export { JsonRpcError } from './json-rpc-error';
export { GatewayError, GATEWAY_ERROR_TABLE } from './gateway-error';
export type { GatewayErrorCode, GatewayErrorDetails } from './gateway-error';

export { parseJsonRpc } from './parse-json-rpc';
export type { ParseOutcome } from './parse-json-rpc';
export { serializeJsonRpc } from './serialize-json-rpc';

export { SseParser } from './sse-parser';
export type { SseEvent } from './sse-parser';
export { serializeSseEvent, serializeSseComment } from './serialize-sse';

export { McpMethod } from './mcp-method';
export type { McpMethodName } from './mcp-method';
export { classifyClientMethod, isServerToClientRequestMethod } from './method-route';
export type { MethodRoute } from './method-route';
export { routedTarget, withRoutedTarget } from './routed-target';
export type { RoutedTarget } from './routed-target';

export {
  SESSION_ERA_PROTOCOL_VERSIONS,
  STATELESS_ERA_PROTOCOL_VERSIONS,
  LATEST_PROTOCOL_VERSION,
  LATEST_STATELESS_PROTOCOL_VERSION,
  protocolEra,
  allowsJsonRpcBatches,
} from './protocol-version';
export type { SessionEraProtocolVersion, StatelessEraProtocolVersion, ProtocolEra } from './protocol-version';
