import { describe, it, expect } from '@jest/globals';
import { JsonRpcErrorCode } from './json-rpc-error-code';

describe('JsonRpcErrorCode', () => {
  it('has the JSON-RPC 2.0 and MCP codes the specifications assign', () => {
    expect(JsonRpcErrorCode).toMatchObject({
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      ResourceNotFound: -32002,
      HeaderMismatch: -32020,
      MissingRequiredClientCapability: -32021,
      UnsupportedProtocolVersion: -32022,
      UrlElicitationRequired: -32042,
    });
  });

  it('puts the gateway codes in the server-error range without reusing any other code', () => {
    const gateway = [JsonRpcErrorCode.SessionNotFound, JsonRpcErrorCode.UpstreamUnavailable, JsonRpcErrorCode.RequestTimeout, JsonRpcErrorCode.StoreUnavailable];
    for (const code of gateway) {
      expect(code).toBeGreaterThanOrEqual(-32099);
      expect(code).toBeLessThanOrEqual(-32000);
    }
    const all = Object.values(JsonRpcErrorCode);
    expect(new Set(all).size).toBe(all.length);
  });
});
