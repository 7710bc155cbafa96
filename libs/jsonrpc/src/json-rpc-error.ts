// A wire error: something that will cross the wire as a JSON-RPC error object, with the code
// the peer sees. Local failures that also need an HTTP status are GatewayErrors instead.
import { errorResponse } from './error-response';
import { JsonRpcErrorCode } from './json-rpc-error-code';
import type { JsonRpcErrorObject, JsonRpcErrorResponse, JsonRpcId } from './json-rpc-message';

export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  /**
   * Rebuilds an error received from a peer. The object is untrusted: a non-integer code or a
   * non-string message is replaced rather than believed, so callers can rely on the types.
   */
  static fromErrorObject(error: unknown): JsonRpcError {
    if (typeof error !== 'object' || error === null) {
      return new JsonRpcError(JsonRpcErrorCode.InternalError, 'Internal error: malformed error object');
    }
    const { code, message, data } = error as Partial<Record<keyof JsonRpcErrorObject, unknown>>;
    return new JsonRpcError(
      typeof code === 'number' && Number.isInteger(code) ? code : JsonRpcErrorCode.InternalError,
      typeof message === 'string' ? message : 'Internal error: malformed error object',
      data,
    );
  }

  toErrorObject(): JsonRpcErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }

  toResponse(id: JsonRpcId | null): JsonRpcErrorResponse {
    return errorResponse(id, this.code, this.message, this.data);
  }
}
