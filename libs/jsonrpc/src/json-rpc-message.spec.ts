import { describe, it, expect } from '@jest/globals';
import { isErrorResponse, isNotification, isRequest, isResponse } from './json-rpc-message';
import type { JsonRpcMessage } from './json-rpc-message';

const request: JsonRpcMessage = { jsonrpc: '2.0', id: 0, method: 'ping' };
const notification: JsonRpcMessage = { jsonrpc: '2.0', method: 'notifications/initialized' };
const result: JsonRpcMessage = { jsonrpc: '2.0', id: 'a', result: {} };
const failure: JsonRpcMessage = { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } };

describe('message guards', () => {
  it.each([
    ['a request (id 0 included)', request, [true, false, false, false]],
    ['a notification', notification, [false, true, false, false]],
    ['a result response', result, [false, false, true, false]],
    ['an error response', failure, [false, false, true, true]],
  ])('classify %s', (_name, message, expected) => {
    expect([isRequest(message), isNotification(message), isResponse(message), isErrorResponse(message)]).toEqual(expected);
  });
});
