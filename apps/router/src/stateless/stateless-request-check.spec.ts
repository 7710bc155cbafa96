import { describe, expect, it } from '@jest/globals';
import type { JsonRpcMessage } from '@mcp-gateway/jsonrpc';
import { checkStatelessRequest, claimsStatelessEra } from './stateless-request-check';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};
const HEADERS = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'weather_forecast' };

function call(params: Record<string, unknown> = {}): JsonRpcMessage {
  return { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'weather_forecast', arguments: {}, _meta: META, ...params } };
}

function refusal(headers: Record<string, string>, message: JsonRpcMessage): { status: number; code: number } {
  const checked = checkStatelessRequest(headers, message);
  if (checked.ok) throw new Error('expected a refusal');
  return { status: checked.status, code: checked.error.error.code };
}

describe('which requests take the stateless-era path', () => {
  it('is decided by a stateless-era MCP-Protocol-Version header', () => {
    expect(claimsStatelessEra({ 'mcp-protocol-version': '2026-07-28' }, call())).toBe(true);
    expect(claimsStatelessEra({ 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': 'abc' }, call())).toBe(false);
  });

  it('includes a session-less request whose body carries the modern _meta (its header is then missing or wrong)', () => {
    expect(claimsStatelessEra({}, call())).toBe(true);
    expect(claimsStatelessEra({ 'mcp-session-id': 'abc' }, call())).toBe(false);
    expect(claimsStatelessEra({}, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25' } })).toBe(false);
  });
});

describe('checkStatelessRequest', () => {
  it('accepts a request whose headers mirror its body', () => {
    const checked = checkStatelessRequest(HEADERS, call());
    expect(checked).toMatchObject({ ok: true, value: { protocolVersion: '2026-07-28', clientCapabilities: {}, wantsLogs: false } });
  });

  it('answers -32020 with 400 for a missing or different Mcp-Method, Mcp-Name or version header', () => {
    const { 'mcp-method': _method, ...noMethod } = HEADERS;
    expect(refusal(noMethod, call())).toEqual({ status: 400, code: -32020 });
    expect(refusal({ ...HEADERS, 'mcp-method': 'prompts/get' }, call())).toEqual({ status: 400, code: -32020 });
    const { 'mcp-name': _name, ...noName } = HEADERS;
    expect(refusal(noName, call())).toEqual({ status: 400, code: -32020 });
    expect(refusal({ ...HEADERS, 'mcp-name': 'weather_alerts' }, call())).toEqual({ status: 400, code: -32020 });
    expect(refusal({ ...HEADERS, 'mcp-name': '=?base64?%%%?=' }, call())).toEqual({ status: 400, code: -32020 });
    const { 'mcp-protocol-version': _version, ...noVersion } = HEADERS;
    expect(refusal(noVersion, call())).toEqual({ status: 400, code: -32020 });
  });

  it('compares Mcp-Name with params.uri for resources/read, after Base64 decoding', () => {
    const uri = 'notes_note://über/1';
    const read: JsonRpcMessage = { jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri, _meta: META } };
    const encoded = `=?base64?${Buffer.from(uri, 'utf8').toString('base64')}?=`;
    expect(checkStatelessRequest({ ...HEADERS, 'mcp-method': 'resources/read', 'mcp-name': encoded }, read).ok).toBe(true);
    expect(refusal({ ...HEADERS, 'mcp-method': 'resources/read', 'mcp-name': 'notes_note://other' }, read)).toEqual({ status: 400, code: -32020 });
  });

  it('answers -32602 with 400 when _meta lacks the protocol version or the client capabilities', () => {
    expect(refusal(HEADERS, call({ _meta: undefined }))).toEqual({ status: 400, code: -32602 });
    expect(refusal(HEADERS, call({ _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }))).toEqual({ status: 400, code: -32602 });
  });

  it('takes notifications without checks (none is defined over HTTP) and refuses client responses', () => {
    expect(checkStatelessRequest(HEADERS, { jsonrpc: '2.0', method: 'notifications/cancelled', params: {} })).toEqual({ ok: true, value: undefined });
    expect(refusal(HEADERS, { jsonrpc: '2.0', id: 1, result: {} })).toEqual({ status: 400, code: -32600 });
  });

  it('notes when the client asked for log messages', () => {
    const checked = checkStatelessRequest(HEADERS, call({ _meta: { ...META, 'io.modelcontextprotocol/logLevel': 'info' } }));
    expect(checked).toMatchObject({ ok: true, value: { wantsLogs: true } });
  });
});
