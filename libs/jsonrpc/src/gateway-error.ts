// Local failures of the gateway, named by what went wrong rather than by wire code. Each one
// maps, through the single table below, to the HTTP status the transport answers with and the
// JSON-RPC error code in the body. Handlers throw or return these; the edge turns them into
// responses with toResponse(). Nothing else in the gateway decides a status or a code.
import { errorResponse } from './error-response';
import { JsonRpcErrorCode } from './json-rpc-error-code';
import type { JsonRpcErrorResponse, JsonRpcId } from './json-rpc-message';

export type GatewayErrorCode =
  | 'SESSION_REQUIRED'
  | 'SESSION_NOT_FOUND'
  | 'NOT_ACCEPTABLE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'FORBIDDEN_ORIGIN'
  | 'BATCH_NOT_SUPPORTED'
  | 'UNKNOWN_TARGET'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'STORE_UNAVAILABLE'
  | 'INTERNAL';

/**
 * The one mapping from gateway error to HTTP status and JSON-RPC code. Transport-level
 * refusals (streamable HTTP, MCP 2025-11-25 "Transports") answer -32600 with the HTTP status
 * that names the problem; an unknown tool/prompt/resource is an ordinary JSON-RPC error in a
 * 200 (MCP "Tools: Error Handling" → -32602); the gateway's own codes are explained in
 * json-rpc-error-code.ts. Pinned by gateway-error.spec.ts: change both together.
 */
export const GATEWAY_ERROR_TABLE: Readonly<Record<GatewayErrorCode, { readonly httpStatus: number; readonly jsonRpcCode: number }>> = Object.freeze({
  SESSION_REQUIRED: { httpStatus: 400, jsonRpcCode: JsonRpcErrorCode.InvalidRequest },
  SESSION_NOT_FOUND: { httpStatus: 404, jsonRpcCode: JsonRpcErrorCode.SessionNotFound },
  NOT_ACCEPTABLE: { httpStatus: 406, jsonRpcCode: JsonRpcErrorCode.InvalidRequest },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, jsonRpcCode: JsonRpcErrorCode.InvalidRequest },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, jsonRpcCode: JsonRpcErrorCode.InvalidRequest },
  FORBIDDEN_ORIGIN: { httpStatus: 403, jsonRpcCode: JsonRpcErrorCode.InvalidRequest },
  BATCH_NOT_SUPPORTED: { httpStatus: 400, jsonRpcCode: JsonRpcErrorCode.InvalidRequest },
  UNKNOWN_TARGET: { httpStatus: 200, jsonRpcCode: JsonRpcErrorCode.InvalidParams },
  UPSTREAM_UNAVAILABLE: { httpStatus: 503, jsonRpcCode: JsonRpcErrorCode.UpstreamUnavailable },
  UPSTREAM_TIMEOUT: { httpStatus: 504, jsonRpcCode: JsonRpcErrorCode.RequestTimeout },
  STORE_UNAVAILABLE: { httpStatus: 503, jsonRpcCode: JsonRpcErrorCode.StoreUnavailable },
  INTERNAL: { httpStatus: 500, jsonRpcCode: JsonRpcErrorCode.InternalError },
});

/** What the client is told for INTERNAL, whatever the local message says. */
const INTERNAL_WIRE_MESSAGE = 'Internal error';

export interface GatewayErrorDetails {
  /** The upstream server involved, for logs and metrics (the message should name it too). */
  server?: string;
  /** Sent to the client as `error.data` (never for INTERNAL). */
  data?: unknown;
  /** The underlying failure, for logs only. */
  cause?: unknown;
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly httpStatus: number;
  readonly jsonRpcCode: number;
  readonly server?: string;
  readonly data?: unknown;

  constructor(code: GatewayErrorCode, message: string, details: GatewayErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    const mapping = GATEWAY_ERROR_TABLE[code];
    this.code = code;
    this.httpStatus = mapping.httpStatus;
    this.jsonRpcCode = mapping.jsonRpcCode;
    if (details.server !== undefined) this.server = details.server;
    if (details.data !== undefined) this.data = details.data;
  }

  /**
   * The catch-all: a GatewayError stays as it is; anything else becomes INTERNAL, keeping the
   * original as `cause` for the log while the client only ever sees "Internal error".
   */
  static from(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    return new GatewayError('INTERNAL', describe(error), { cause: error });
  }

  /** The JSON-RPC body to send. INTERNAL never leaks its local message or data. */
  toResponse(id: JsonRpcId | null): JsonRpcErrorResponse {
    if (this.code === 'INTERNAL') return errorResponse(id, this.jsonRpcCode, INTERNAL_WIRE_MESSAGE);
    return errorResponse(id, this.jsonRpcCode, this.message, this.data);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    // e.g. an object without a prototype: String() has nothing to call.
    return 'non-Error value thrown';
  }
}
