import { describe, it } from '@jest/globals';
import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { SseParser } from './sse-parser';
import type { SseEvent } from './sse-parser';
import { serializeSseComment, serializeSseEvent } from './serialize-sse';

const RUNS = { numRuns: 10_000 };

/** Cuts `bytes` at the given positions (any order, duplicates allowed, reduced modulo length + 1). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const positions = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const position of positions) {
    chunks.push(bytes.subarray(start, position));
    start = position;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function parseChunks(chunks: Uint8Array[]): SseEvent[] {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return [...events, ...parser.end()];
}

const noLineBreak = (value: string): boolean => !/[\r\n]/.test(value);
const text = fc.string({ unit: 'binary', maxLength: 12 });
const event: fc.Arbitrary<SseEvent> = fc.record(
  {
    event: text.filter((value) => value !== '' && noLineBreak(value)),
    data: fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('\n', '\r', '\r\n')), maxLength: 16 }),
    id: text.filter((value) => noLineBreak(value) && !value.includes('\0')),
    retry: fc.nat(),
  },
  { requiredKeys: ['data'] },
);
const streamItem = fc.oneof({ weight: 4, arbitrary: event.map((value) => ({ event: value })) }, { weight: 1, arbitrary: text.map((comment) => ({ comment })) });
const lineEnding = fc.constantFrom('\n', '\r\n', '\r');
const cuts = fc.array(fc.nat(), { maxLength: 12 });

// Stream pieces biased towards the syntax: field names, colons, line endings, BOMs, multi-byte
// characters, NULs, and bytes that are not UTF-8 at all.
const streamPiece = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('data: ', 'data:', 'data', 'event: ', 'id: ', 'retry: ', ':', ' ', '\r', '\n', '\r\n', '\n\n', '\uFEFF', 'é', '😀', '\0', '7')
      .map((piece) => Buffer.from(piece, 'utf8')),
  },
  fc.string({ unit: 'binary', maxLength: 4 }).map((piece) => Buffer.from(piece, 'utf8')),
  fc.uint8Array({ minLength: 1, maxLength: 3 }),
  fc.constantFrom(new Uint8Array([0xf0, 0x9f]), new Uint8Array([0xc3]), new Uint8Array([0xef, 0xbb]), new Uint8Array([0xff])),
);

describe('SseParser properties', () => {
  it('gives the written events back however the byte stream is chunked, for every line ending and with or without a BOM', () => {
    fc.assert(
      fc.property(fc.array(streamItem, { maxLength: 6 }), lineEnding, fc.boolean(), cuts, (items, ending, withBom, cutAt) => {
        let stream = withBom ? '\uFEFF' : '';
        for (const item of items) stream += 'event' in item ? serializeSseEvent(item.event) : serializeSseComment(item.comment);
        // The serializer writes LF; any line ending must read the same.
        if (ending !== '\n') stream = stream.replace(/\n/g, ending);
        const expected = items.flatMap((item) => ('event' in item ? [{ ...item.event, data: item.event.data.replace(/\r\n|\r/g, '\n') }] : []));
        const bytes = Buffer.from(stream, 'utf8');
        deepStrictEqual(parseChunks(split(bytes, cutAt)), expected);
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary bytes, and gives the same events whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(streamPiece, { maxLength: 24 }), cuts, (pieces, cutAt) => {
        const bytes = Buffer.concat(pieces);
        deepStrictEqual(parseChunks(split(bytes, cutAt)), parseChunks([bytes]));
      }),
      RUNS,
    );
  });

  it('reads text chunks the same as the bytes they encode', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('data: ', 'id:', '\r', '\n', ':c', '\uFEFF'), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 16 }), (pieces) => {
        const parser = new SseParser();
        const fromText = [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
        deepStrictEqual(fromText, parseChunks(pieces.map((piece) => Buffer.from(piece, 'utf8'))));
      }),
      RUNS,
    );
  });
});
