import { describe, it, expect } from '@jest/globals';
import { JsonRpcError } from './json-rpc-error';
import { errorResponse } from './error-response';

describe('errorResponse', () => {
  it('builds an error response and leaves data out when there is none', () => {
    expect(errorResponse(1, -32601, 'Method not found')).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } });
    expect(JSON.stringify(errorResponse(null, -32700, 'Parse error'))).toBe('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
  });

  it('carries data when given, null included', () => {
    expect(errorResponse('a', -32602, 'bad', null).error).toEqual({ code: -32602, message: 'bad', data: null });
  });
});

describe('JsonRpcError', () => {
  it('turns into the error response for a given request id', () => {
    const error = new JsonRpcError(-32042, 'URL elicitation required', { elicitations: [] });
    expect(error.toResponse(5)).toEqual({ jsonrpc: '2.0', id: 5, error: { code: -32042, message: 'URL elicitation required', data: { elicitations: [] } } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('JsonRpcError');
  });

  it('is rebuilt from an error object received on the wire', () => {
    const error = JsonRpcError.fromErrorObject({ code: -32002, message: 'Resource not found', data: { uri: 'file:///x' } });
    expect([error.code, error.message, error.data]).toEqual([-32002, 'Resource not found', { uri: 'file:///x' }]);
    expect(error.toErrorObject()).toEqual({ code: -32002, message: 'Resource not found', data: { uri: 'file:///x' } });
  });

  it('does not believe a malformed error object from a peer', () => {
    expect(JsonRpcError.fromErrorObject({ code: 'x', message: 3 }).code).toBe(-32603);
    expect(JsonRpcError.fromErrorObject({ code: 1.5, message: 'm' }).code).toBe(-32603);
    expect(JsonRpcError.fromErrorObject(null).code).toBe(-32603);
    expect(typeof JsonRpcError.fromErrorObject('boom').message).toBe('string');
  });
});
