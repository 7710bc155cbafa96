import { describe, it, expect } from '@jest/globals';
import { GATEWAY_ERROR_TABLE, GatewayError } from './gateway-error';
import type { GatewayErrorCode } from './gateway-error';

describe('GATEWAY_ERROR_TABLE', () => {
  // The one place the mapping is pinned. Changing a status or a code is a wire change for
  // clients: update this table, json-rpc-error-code.ts and the README together.
  it('maps every gateway error to exactly this HTTP status and JSON-RPC code', () => {
    const expected: Record<GatewayErrorCode, [httpStatus: number, jsonRpcCode: number]> = {
      SESSION_REQUIRED: [400, -32600],
      SESSION_NOT_FOUND: [404, -32001],
      NOT_ACCEPTABLE: [406, -32600],
      UNSUPPORTED_MEDIA_TYPE: [415, -32600],
      PAYLOAD_TOO_LARGE: [413, -32600],
      FORBIDDEN_ORIGIN: [403, -32600],
      BATCH_NOT_SUPPORTED: [400, -32600],
      UNKNOWN_TARGET: [200, -32602],
      UPSTREAM_UNAVAILABLE: [503, -32090],
      UPSTREAM_TIMEOUT: [504, -32091],
      STORE_UNAVAILABLE: [503, -32092],
      INTERNAL: [500, -32603],
    };
    const actual = Object.fromEntries(Object.entries(GATEWAY_ERROR_TABLE).map(([code, row]) => [code, [row.httpStatus, row.jsonRpcCode]]));
    expect(actual).toEqual(expected);
    for (const code of Object.keys(expected) as GatewayErrorCode[]) {
      const error = new GatewayError(code, 'm');
      expect([error.httpStatus, error.jsonRpcCode, error.toResponse(1).error.code]).toEqual([...expected[code], expected[code][1]]);
    }
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(GATEWAY_ERROR_TABLE)).toBe(true);
  });
});

describe('GatewayError', () => {
  it('answers with its message, the request id and its data', () => {
    const error = new GatewayError('UNKNOWN_TARGET', 'Unknown tool: weather_get', { data: { tool: 'weather_get' } });
    expect(error.toResponse('req-1')).toEqual({
      jsonrpc: '2.0',
      id: 'req-1',
      error: { code: -32602, message: 'Unknown tool: weather_get', data: { tool: 'weather_get' } },
    });
  });

  it('keeps the upstream server name for logs and metrics', () => {
    const error = new GatewayError('UPSTREAM_UNAVAILABLE', 'Upstream "weather" is unavailable', { server: 'weather' });
    expect(error.server).toBe('weather');
    expect(error.toResponse(null)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32090, message: 'Upstream "weather" is unavailable' } });
  });

  it('never sends the local message or data of an INTERNAL error to the client', () => {
    const error = new GatewayError('INTERNAL', 'redis password rejected at 10.0.0.4', { data: { stack: 'x' } });
    expect(error.toResponse(9)).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32603, message: 'Internal error' } });
    expect(error.message).toBe('redis password rejected at 10.0.0.4');
  });

  it('turns any thrown value into INTERNAL with the original kept as the cause, and leaves a GatewayError as it is', () => {
    const original = new TypeError('cannot read x of undefined');
    const wrapped = GatewayError.from(original);
    expect([wrapped.code, wrapped.httpStatus, wrapped.cause]).toEqual(['INTERNAL', 500, original]);
    expect(GatewayError.from('text').message).toBe('text');
    expect(GatewayError.from(Object.create(null)).code).toBe('INTERNAL');
    const known = new GatewayError('SESSION_NOT_FOUND', 'Session not found');
    expect(GatewayError.from(known)).toBe(known);
  });

  it('is an Error with a recognisable name', () => {
    const error = new GatewayError('PAYLOAD_TOO_LARGE', 'Request body exceeds 4194304 bytes');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayError');
  });
});
