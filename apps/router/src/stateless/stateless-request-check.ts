// The gatekeeping a stateless-era request (MCP 2026-07-28) gets before it is routed, in the
// router because the router is what routes on these values:
//
// - "Streamable HTTP: Server Validation": `Mcp-Method` must be present and equal the body's
//   method; `Mcp-Name` must be present and equal `params.name` (tools/call, prompts/get) or
//   `params.uri` (resources/read), after Base64-sentinel decoding; the MCP-Protocol-Version
//   header must equal `_meta["io.modelcontextprotocol/protocolVersion"]`. Any failure:
//   HTTP 400 with HeaderMismatch (-32020).
// - "Overview: _meta": `_meta` must carry `protocolVersion` and `clientCapabilities`;
//   a request missing either is malformed: HTTP 400 with -32602.
//
// Which requests are stateless-era: the MCP-Protocol-Version header names a stateless-era
// version, or — a modern client that left the header out — there is no Mcp-Session-Id and
// the body carries the modern `_meta` protocol version (then the missing header is the
// mismatch). Everything else stays on the session-era path untouched. No I/O, no logging.
import type { IncomingHttpHeaders } from 'node:http';
import { JsonRpcErrorCode, errorResponse, isRequest, McpMethod, protocolEra } from '@mcp-gateway/jsonrpc';
import type { JsonRpcErrorResponse, JsonRpcId, JsonRpcMessage, JsonRpcRequest } from '@mcp-gateway/jsonrpc';
import { decodeMcpHeaderValue } from './mcp-header-value';

export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';
export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';

/** A stateless-era request that passed every check. */
export interface StatelessRequest {
  readonly request: JsonRpcRequest;
  readonly protocolVersion: string;
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  /** The client asked for log notifications (spec "Logging": only then may any be sent). */
  readonly wantsLogs: boolean;
}

export type StatelessCheck =
  | { readonly ok: true; readonly value: StatelessRequest }
  /** A notification: accepted and dropped (no client notification exists over HTTP). */
  | { readonly ok: true; readonly value: undefined }
  | { readonly ok: false; readonly status: number; readonly error: JsonRpcErrorResponse };

/** Methods whose routing field is mirrored in `Mcp-Name` (spec "Standard Request Headers"). */
const NAME_FIELD: ReadonlyMap<string, 'name' | 'uri'> = new Map([
  [McpMethod.ToolsCall, 'name'],
  [McpMethod.PromptsGet, 'name'],
  [McpMethod.ResourcesRead, 'uri'],
]);

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The header alone says stateless era (checked before the body is parsed). */
export function hasStatelessEraHeader(headers: IncomingHttpHeaders): boolean {
  const version = firstHeader(headers['mcp-protocol-version']);
  return version !== undefined && protocolEra(version) === 'stateless';
}

/** Whether this parsed message is to be served on the stateless-era path. */
export function claimsStatelessEra(headers: IncomingHttpHeaders, message: JsonRpcMessage): boolean {
  if (hasStatelessEraHeader(headers)) return true;
  if (firstHeader(headers['mcp-session-id']) !== undefined) return false;
  if (!('method' in message) || !isObject(message.params)) return false;
  const meta = message.params['_meta'];
  return isObject(meta) && meta[PROTOCOL_VERSION_META_KEY] !== undefined;
}

export function checkStatelessRequest(headers: IncomingHttpHeaders, message: JsonRpcMessage): StatelessCheck {
  if (!('method' in message)) {
    return refusal(400, null, JsonRpcErrorCode.InvalidRequest, 'Invalid Request: clients do not send responses in protocol version 2026-07-28');
  }
  if (!isRequest(message)) return { ok: true, value: undefined };
  const id = message.id;

  const methodHeader = firstHeader(headers['mcp-method']);
  if (methodHeader === undefined) return mismatch(id, 'the required Mcp-Method header is absent', '(missing)', message.method);
  if (methodHeader !== message.method) {
    return mismatch(id, `the Mcp-Method header names "${clip(methodHeader)}" but the body's method is "${clip(message.method)}"`, methodHeader, message.method);
  }

  const params = isObject(message.params) ? message.params : undefined;
  const field = NAME_FIELD.get(message.method);
  if (field !== undefined) {
    const bodyValue = params?.[field];
    const nameHeader = firstHeader(headers['mcp-name']);
    if (typeof bodyValue === 'string') {
      if (nameHeader === undefined) return mismatch(id, `the body carries params.${field} but the required Mcp-Name header is absent`, '(missing)', bodyValue);
      const decoded = decodeMcpHeaderValue(nameHeader);
      if (decoded === undefined) return mismatch(id, 'the Mcp-Name header value is malformed', nameHeader, bodyValue);
      if (decoded !== bodyValue) {
        return mismatch(id, `the Mcp-Name header names "${clip(decoded)}" but params.${field} is "${clip(bodyValue)}"`, nameHeader, bodyValue);
      }
    }
  }

  const meta = isObject(params?.['_meta']) ? (params['_meta'] as Record<string, unknown>) : undefined;
  const metaVersion = meta?.[PROTOCOL_VERSION_META_KEY];
  const capabilities = meta?.[CLIENT_CAPABILITIES_META_KEY];
  const missing: string[] = [];
  if (meta === undefined) missing.push('_meta');
  else {
    if (typeof metaVersion !== 'string') missing.push(PROTOCOL_VERSION_META_KEY);
    if (!isObject(capabilities)) missing.push(CLIENT_CAPABILITIES_META_KEY);
  }
  if (missing.length > 0) {
    return refusal(400, id, JsonRpcErrorCode.InvalidParams, `Invalid params: the request is missing the required per-request _meta field(s): ${missing.join(', ')}`, {
      envelope: { missing },
    });
  }

  const headerVersion = firstHeader(headers['mcp-protocol-version']);
  if (headerVersion === undefined) return mismatch(id, 'the required MCP-Protocol-Version header is absent', '(missing)', String(metaVersion));
  if (headerVersion !== metaVersion) {
    return mismatch(id, `the MCP-Protocol-Version header names ${clip(headerVersion)} but _meta names ${clip(String(metaVersion))}`, headerVersion, String(metaVersion));
  }
  return {
    ok: true,
    value: {
      request: message,
      protocolVersion: headerVersion,
      clientCapabilities: capabilities as Record<string, unknown>,
      wantsLogs: typeof meta?.[LOG_LEVEL_META_KEY] === 'string',
    },
  };
}

function mismatch(id: JsonRpcId, why: string, header: string, body: string): StatelessCheck {
  return refusal(400, id, JsonRpcErrorCode.HeaderMismatch, `Bad Request: the request headers and body disagree: ${why}`, {
    mismatch: { header: clip(header), body: clip(body) },
  });
}

function refusal(status: number, id: JsonRpcId | null, code: number, message: string, data?: unknown): StatelessCheck {
  return { ok: false, status, error: errorResponse(id, code, message, data) };
}

/** Long values are cut in messages: they come from the client and go back to it. */
function clip(value: string): string {
  return value.length > 120 ? `${value.slice(0, 117)}...` : value;
}
