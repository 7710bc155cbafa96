import { describe, it } from '@jest/globals';
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { parseJsonRpc } from './parse-json-rpc';
import { serializeJsonRpc } from './serialize-json-rpc';
import { isErrorResponse, isNotification, isRequest, isResponse } from './json-rpc-message';
import type { JsonRpcMessage } from './json-rpc-message';

const RUNS = { numRuns: 10_000 };

// JSON cannot tell -0 from 0, so a value meant to survive a JSON round trip must not hold -0.
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: withoutNegativeZero(member), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

const text = fc.string({ unit: 'binary', maxLength: 20 });
const jsonValue = fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }).map(withoutNegativeZero);
const jsonObject = fc.dictionary(text, jsonValue, { maxKeys: 3, noNullPrototype: true });
const id = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)));
const params = fc.oneof(jsonObject, fc.array(jsonValue, { maxLength: 3 }));

const request = fc.record(
  { jsonrpc: fc.constant('2.0' as const), id, method: text, params },
  { requiredKeys: ['jsonrpc', 'id', 'method'], noNullPrototype: true },
);
const notification = fc.record({ jsonrpc: fc.constant('2.0' as const), method: text, params }, { requiredKeys: ['jsonrpc', 'method'], noNullPrototype: true });
const resultResponse = fc.record({ jsonrpc: fc.constant('2.0' as const), id, result: jsonObject }, { noNullPrototype: true });
const errorResponse = fc.record(
  {
    jsonrpc: fc.constant('2.0' as const),
    id: fc.oneof(id, fc.constant(null)),
    error: fc.record({ code: fc.integer(), message: text, data: jsonValue }, { requiredKeys: ['code', 'message'], noNullPrototype: true }),
  },
  { noNullPrototype: true },
);
const message: fc.Arbitrary<JsonRpcMessage> = fc.oneof(request, notification, resultResponse, errorResponse);

// Any UTF-16 code unit, lone surrogates included: strings a caller could hand us.
const anyString = fc.string({ unit: fc.nat(0xffff).map((code) => String.fromCharCode(code)), maxLength: 60 });

// node:assert rather than Jest's matchers inside properties: many times cheaper per run, and a
// failed assertion still fails the property with fast-check's counterexample.
function isWellFormedOutcome(body: Uint8Array | string): boolean {
  const outcome = parseJsonRpc(body);
  if (outcome.ok) return true;
  const code = outcome.error.error.code;
  return outcome.error.jsonrpc === '2.0' && (code === -32700 || code === -32600);
}

describe('parseJsonRpc properties', () => {
  it('never throws on arbitrary bytes, and fails only with -32700 or -32600', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => isWellFormedOutcome(bytes)), RUNS);
  });

  it('never throws on arbitrary strings, lone surrogates included', () => {
    fc.assert(fc.property(anyString, (body) => isWellFormedOutcome(body)), RUNS);
  });

  it('never throws on arbitrary JSON, and recovers a usable id into every Invalid Request answer', () => {
    // Objects built from the envelope's own member names, with values of every JSON type,
    // so that most of them are near misses of a valid message.
    const member = fc.oneof(jsonValue, fc.constant('2.0'), fc.constant(null), fc.constant({}), id);
    const nearMiss = fc.record(
      { jsonrpc: member, id: member, method: member, params: member, result: member, error: fc.oneof(member, fc.record({ code: member, message: member })) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(nearMiss, jsonValue, fc.array(nearMiss, { maxLength: 3 })), (value) => {
        const outcome = parseJsonRpc(JSON.stringify(value));
        if (!outcome.ok) {
          strictEqual(outcome.error.error.code, -32600);
          const candidate = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>).id : undefined;
          strictEqual(outcome.error.id, typeof candidate === 'string' || typeof candidate === 'number' ? candidate : null);
          return;
        }
        const accepted = outcome.kind === 'single' ? [outcome.message] : outcome.messages;
        for (const parsed of accepted) {
          // Exactly one kind, consistent with what the guards say.
          const kinds = [isRequest(parsed), isNotification(parsed), isResponse(parsed)].filter(Boolean);
          strictEqual(kinds.length, 1);
          if (isErrorResponse(parsed)) ok(Number.isInteger(parsed.error.code));
        }
      }),
      RUNS,
    );
  });

  it('parse ∘ serialize is the identity on valid messages', () => {
    fc.assert(
      fc.property(message, (original) => {
        deepStrictEqual(parseJsonRpc(serializeJsonRpc(original)), { ok: true, kind: 'single', message: original });
      }),
      RUNS,
    );
  });

  it('parse ∘ serialize is the identity on batches, from bytes with or without a byte order mark', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 3 }), fc.boolean(), (batch, withBom) => {
        const bytes = Buffer.from(`${withBom ? '\uFEFF' : ''}${serializeJsonRpc(batch)}`, 'utf8');
        deepStrictEqual(parseJsonRpc(bytes), { ok: true, kind: 'batch', messages: batch, errors: [] });
      }),
      RUNS,
    );
  });
});
