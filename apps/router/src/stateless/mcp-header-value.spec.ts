import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeMcpHeaderValue, encodeMcpHeaderValue } from './mcp-header-value';

describe('Mcp-Name / Mcp-Param-* header values (MCP 2026-07-28 "Value Encoding")', () => {
  it('sends plain ASCII as it is and everything else as the Base64 sentinel, as in the spec table', () => {
    expect(encodeMcpHeaderValue('us-west1')).toBe('us-west1');
    expect(encodeMcpHeaderValue('Hello, 世界')).toBe('=?base64?SGVsbG8sIOS4lueVjA==?=');
    expect(encodeMcpHeaderValue(' padded ')).toBe('=?base64?IHBhZGRlZCA=?=');
    expect(encodeMcpHeaderValue('line1\nline2')).toBe('=?base64?bGluZTEKbGluZTI=?=');
    expect(encodeMcpHeaderValue('=?base64?literal?=')).toBe('=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=');
  });

  it('reads back every value it writes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (value) => decodeMcpHeaderValue(encodeMcpHeaderValue(value)) === value));
  });

  it('refuses characters a header cannot carry and sentinels that are not Base64 of UTF-8', () => {
    expect(decodeMcpHeaderValue('bad\u0001value')).toBeUndefined();
    expect(decodeMcpHeaderValue('=?base64?not base64!?=')).toBeUndefined();
    expect(decodeMcpHeaderValue(`=?base64?${Buffer.from([0xff, 0xfe]).toString('base64')}?=`)).toBeUndefined();
  });

  it('is case-sensitive about the sentinel: an upper-case one is a plain value', () => {
    expect(decodeMcpHeaderValue('=?BASE64?YQ==?=')).toBe('=?BASE64?YQ==?=');
  });
});
