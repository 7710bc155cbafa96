import { describe, it, expect } from '@jest/globals';
import { parseJsonRpc } from './parse-json-rpc';
import type { ParseOutcome } from './parse-json-rpc';
import type { JsonRpcErrorResponse } from './json-rpc-message';

function failure(outcome: ParseOutcome): JsonRpcErrorResponse {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

function expectRejected(body: string, code: number, id: string | number | null): void {
  const error = failure(parseJsonRpc(body));
  expect(error.jsonrpc).toBe('2.0');
  expect(error.error.code).toBe(code);
  expect(error.id).toBe(id);
  expect(typeof error.error.message).toBe('string');
}

describe('parseJsonRpc accepts every MCP message kind', () => {
  it('returns a request with its id, method and params', () => {
    const body = '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"weather_get","arguments":{"city":"Oslo"}}}';
    expect(parseJsonRpc(body)).toEqual({
      ok: true,
      kind: 'single',
      message: { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'weather_get', arguments: { city: 'Oslo' } } },
    });
  });

  it('returns a notification when there is no id', () => {
    expect(parseJsonRpc('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toEqual({
      ok: true,
      kind: 'single',
      message: { jsonrpc: '2.0', method: 'notifications/initialized' },
    });
  });

  it('accepts params given as an array (JSON-RPC by-position)', () => {
    expect(parseJsonRpc('{"jsonrpc":"2.0","id":"a","method":"m","params":[1,2]}').ok).toBe(true);
  });

  it('returns result and error responses, including an error response with a null id', () => {
    expect(parseJsonRpc('{"jsonrpc":"2.0","id":"r1","result":{}}').ok).toBe(true);
    expect(parseJsonRpc('{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"Method not found","data":{"x":1}}}').ok).toBe(true);
    expect(parseJsonRpc('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}').ok).toBe(true);
  });

  it('keeps members outside the envelope untouched', () => {
    const outcome = parseJsonRpc('{"jsonrpc":"2.0","id":1,"method":"ping","extension":{"a":[1]}}');
    expect(outcome).toMatchObject({ ok: true, message: { extension: { a: [1] } } });
  });

  it('reads a Buffer, a plain Uint8Array and a Uint8Array view into a larger buffer alike', () => {
    const text = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const expected = parseJsonRpc(text);
    expect(parseJsonRpc(Buffer.from(text))).toEqual(expected);
    expect(parseJsonRpc(new TextEncoder().encode(text))).toEqual(expected);
    const padded = new TextEncoder().encode(`xx${text}yy`);
    expect(parseJsonRpc(padded.subarray(2, padded.length - 2))).toEqual(expected);
  });

  it('ignores a leading byte order mark, as RFC 8259 §8.1 allows', () => {
    const text = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    expect(parseJsonRpc(`\uFEFF${text}`).ok).toBe(true);
    expect(parseJsonRpc(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])).ok).toBe(true);
  });

  it('keeps non-ASCII text intact', () => {
    const outcome = parseJsonRpc(Buffer.from('{"jsonrpc":"2.0","id":"é😀","method":"tools/call","params":{"name":"ünïcode"}}'));
    expect(outcome).toMatchObject({ ok: true, message: { id: 'é😀', params: { name: 'ünïcode' } } });
  });
});

describe('parseJsonRpc answers -32700 Parse error with a null id', () => {
  it.each([
    ['truncated JSON', '{"jsonrpc":"2.0","id":1,"method":"ping"'],
    ['an empty body', ''],
    ['whitespace only', '  \n'],
    ['trailing garbage', '{"jsonrpc":"2.0","id":1,"method":"ping"}x'],
    ['single quotes', "{'jsonrpc':'2.0'}"],
    ['two byte order marks', '\uFEFF\uFEFF{}'],
  ])('for %s', (_name, body) => {
    expectRejected(body, -32700, null);
  });

  it('for bytes that are not UTF-8, rather than silently replacing them', () => {
    const body = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const error = failure(parseJsonRpc(body));
    expect(error.error.code).toBe(-32700);
    expect(error.id).toBeNull();
  });

  it('for input that is neither a string nor bytes, instead of throwing', () => {
    const error = failure(parseJsonRpc(42 as unknown as string));
    expect(error.error.code).toBe(-32700);
  });

  it('without echoing the body back in the message', () => {
    const error = failure(parseJsonRpc('{"secret-token-abc'));
    expect(error.error.message).not.toContain('secret-token-abc');
  });
});

describe('parseJsonRpc answers -32600 Invalid Request, recovering the id when it is usable', () => {
  it.each<[string, string, string | number | null]>([
    ['a JSON scalar', '42', null],
    ['a JSON string', '"ping"', null],
    ['JSON null', 'null', null],
    ['a missing jsonrpc member', '{"id":1,"method":"ping"}', 1],
    ['jsonrpc "1.0"', '{"jsonrpc":"1.0","id":"a","method":"ping"}', 'a'],
    ['jsonrpc given as the number 2.0', '{"jsonrpc":2.0,"id":1,"method":"ping"}', 1],
    ['a method that is not a string', '{"jsonrpc":"2.0","id":2,"method":7}', 2],
    ['a null request id', '{"jsonrpc":"2.0","id":null,"method":"ping"}', null],
    ['a boolean request id', '{"jsonrpc":"2.0","id":true,"method":"ping"}', null],
    ['an object request id', '{"jsonrpc":"2.0","id":{"n":1},"method":"ping"}', null],
    ['scalar params', '{"jsonrpc":"2.0","id":3,"method":"ping","params":"x"}', 3],
    ['null params', '{"jsonrpc":"2.0","id":3,"method":"ping","params":null}', 3],
    ['a request that also carries a result', '{"jsonrpc":"2.0","id":4,"method":"ping","result":{}}', 4],
    ['a notification that also carries an error', '{"jsonrpc":"2.0","method":"x","error":{"code":1,"message":"m"}}', null],
    ['neither method, result nor error', '{"jsonrpc":"2.0","id":5}', 5],
    ['both result and error', '{"jsonrpc":"2.0","id":6,"result":{},"error":{"code":1,"message":"m"}}', 6],
    ['a result response without an id', '{"jsonrpc":"2.0","result":{}}', null],
    ['a result response with a null id', '{"jsonrpc":"2.0","id":null,"result":{}}', null],
    ['a result that is not an object', '{"jsonrpc":"2.0","id":"r","result":5}', 'r'],
    ['a result that is an array', '{"jsonrpc":"2.0","id":"r","result":[]}', 'r'],
    ['a null result', '{"jsonrpc":"2.0","id":"r","result":null}', 'r'],
    ['an error response without an id', '{"jsonrpc":"2.0","error":{"code":1,"message":"m"}}', null],
    ['an error that is not an object', '{"jsonrpc":"2.0","id":8,"error":"boom"}', 8],
    ['an error code that is not an integer', '{"jsonrpc":"2.0","id":8,"error":{"code":1.5,"message":"m"}}', 8],
    ['an error code given as a string', '{"jsonrpc":"2.0","id":8,"error":{"code":"-32600","message":"m"}}', 8],
    ['an error without a code', '{"jsonrpc":"2.0","id":8,"error":{"message":"m"}}', 8],
    ['an error message that is not a string', '{"jsonrpc":"2.0","id":8,"error":{"code":1,"message":2}}', 8],
    ['an empty batch', '[]', null],
  ])('for %s', (_name, body, id) => {
    expectRejected(body, -32600, id);
  });
});

describe('parseJsonRpc recognises batches without judging them', () => {
  it('returns every valid member in order', () => {
    const outcome = parseJsonRpc('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"}]');
    expect(outcome).toEqual({
      ok: true,
      kind: 'batch',
      messages: [
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
      ],
      errors: [],
    });
  });

  it('gives each invalid member its own -32600 response and keeps the valid ones (JSON-RPC 2.0 §6)', () => {
    const outcome = parseJsonRpc('[1,{"jsonrpc":"2.0","id":"ok","method":"ping"},{"jsonrpc":"2.0","id":"bad","method":5},[]]');
    if (!outcome.ok || outcome.kind !== 'batch') throw new Error('expected a batch');
    expect(outcome.messages).toEqual([{ jsonrpc: '2.0', id: 'ok', method: 'ping' }]);
    expect(outcome.errors.map((error) => [error.id, error.error.code])).toEqual([
      [null, -32600],
      ['bad', -32600],
      [null, -32600],
    ]);
  });
});
