import { describe, it, expect } from '@jest/globals';
import { SseParser } from './sse-parser';
import type { SseEvent } from './sse-parser';

function parseAll(...chunks: Array<string | Uint8Array>): SseEvent[] {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return [...events, ...parser.end()];
}

describe('SseParser reads the WHATWG event-stream format', () => {
  it('dispatches an event at the blank line, with its type and id', () => {
    expect(parseAll('event: message\nid: 42\ndata: {"jsonrpc":"2.0"}\n\n')).toEqual([{ event: 'message', id: '42', data: '{"jsonrpc":"2.0"}' }]);
  });

  it('joins several data lines with LF', () => {
    expect(parseAll('data: first\ndata: second\ndata:\n\n')).toEqual([{ data: 'first\nsecond\n' }]);
  });

  it('removes exactly one space after the colon', () => {
    expect(parseAll('data:no-space\n\ndata:  two-spaces\n\n')).toEqual([{ data: 'no-space' }, { data: ' two-spaces' }]);
  });

  it('treats a field name without a colon as a field with an empty value', () => {
    expect(parseAll('data\n\n')).toEqual([{ data: '' }]);
  });

  it('dispatches an event whose only data line is empty (MCP priming events)', () => {
    expect(parseAll('id: prime-1\nretry: 1500\ndata: \n\n')).toEqual([{ id: 'prime-1', retry: 1500, data: '' }]);
  });

  it('skips comments, so keep-alives produce no event', () => {
    expect(parseAll(': keep-alive\n\n:another\ndata: x\n\n')).toEqual([{ data: 'x' }]);
  });

  it('ignores unknown fields', () => {
    expect(parseAll('foo: bar\ndata: x\n\n')).toEqual([{ data: 'x' }]);
  });

  it('leaves out the event type when it is empty, which means "message"', () => {
    expect(parseAll('event:\ndata: x\n\n')).toEqual([{ data: 'x' }]);
  });

  it('accepts LF, CRLF and CR line endings, mixed in one stream', () => {
    expect(parseAll('data: a\r\n\r\ndata: b\r\rdata: c\n\n')).toEqual([{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
  });

  it('drops one leading byte order mark, and only at the start of the stream', () => {
    expect(parseAll(new Uint8Array([0xef, 0xbb, 0xbf]), 'data: x\n\n')).toEqual([{ data: 'x' }]);
    // A second BOM is part of the first line's field name, making it an unknown field.
    expect(parseAll('\uFEFF\uFEFFdata: x\n\ndata: y\n\n')).toEqual([{ data: 'y' }]);
  });

  it('ignores an id containing NULL, and keeps the previous last event id', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\ndata: a\n\nid: bad\0id\ndata: b\n\n')).toEqual([{ id: '1', data: 'a' }, { data: 'b' }]);
    expect(parser.lastEventId).toBe('1');
  });

  it('honours an empty id, which resets the last event id', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\ndata: a\n\nid\ndata: b\n\n')).toEqual([{ id: '1', data: 'a' }, { id: '', data: 'b' }]);
    expect(parser.lastEventId).toBe('');
  });

  it('ignores a retry value that is not all ASCII digits', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 10s\ndata: a\n\nretry: -5\ndata: b\n\nretry: 250\ndata: c\n\n')).toEqual([{ data: 'a' }, { data: 'b' }, { data: 'c', retry: 250 }]);
    expect(parser.retryMs).toBe(250);
  });

  it('dispatches nothing for a block without data, but carries its id and retry to the next event', () => {
    const parser = new SseParser();
    expect(parser.push('id: 9\nretry: 100\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('9');
    expect(parser.retryMs).toBe(100);
    expect(parser.push('data: x\n\n')).toEqual([{ id: '9', retry: 100, data: 'x' }]);
  });

  it('does not carry an event type across a block without data', () => {
    expect(parseAll('event: custom\n\ndata: x\n\n')).toEqual([{ data: 'x' }]);
  });

  it('discards an event the stream ends before closing (WHATWG §9.2.6)', () => {
    const parser = new SseParser();
    expect(parser.push('data: complete\n\ndata: cut off\n')).toEqual([{ data: 'complete' }]);
    expect(parser.end()).toEqual([]);
  });

  it('starts afresh after end()', () => {
    const parser = new SseParser();
    parser.push('id: 5\ndata: half');
    parser.end();
    expect(parser.lastEventId).toBe('');
    expect(parser.push('\uFEFFdata: new\n\n')).toEqual([{ data: 'new' }]);
  });
});

describe('SseParser is independent of chunk boundaries', () => {
  it('completes a CRLF split between two chunks as one line ending', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([{ data: 'a' }]);
    // The LF after that last CR belongs to it, and must not count as another blank line.
    expect(parser.push('\ndata: b\n\n')).toEqual([{ data: 'b' }]);
  });

  it('dispatches at a CR that ends a chunk without waiting for the next one', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r\r')).toEqual([{ data: 'a' }]);
  });

  it('reassembles a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('data: 😀é\n\n', 'utf8');
    const parser = new SseParser();
    const events = [...bytes].flatMap((byte) => parser.push(new Uint8Array([byte])));
    expect(events).toEqual([{ data: '😀é' }]);
  });

  it('reassembles a byte order mark split across chunks', () => {
    expect(parseAll(new Uint8Array([0xef]), new Uint8Array([0xbb]), new Uint8Array([0xbf, 0x64]), 'ata: x\n\n')).toEqual([{ data: 'x' }]);
  });

  it('reassembles a long line delivered in many pieces', () => {
    const long = 'x'.repeat(100_000);
    const parser = new SseParser();
    const events: SseEvent[] = [];
    events.push(...parser.push('data: '));
    for (let offset = 0; offset < long.length; offset += 997) events.push(...parser.push(long.slice(offset, offset + 997)));
    events.push(...parser.push('\n\n'));
    expect(events).toEqual([{ data: long }]);
  });
});

describe('SseParser never throws', () => {
  it('replaces bytes that are not UTF-8 with U+FFFD, as the UTF-8 decode algorithm does', () => {
    expect(parseAll(new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a]))).toEqual([{ data: '\uFFFD' }]);
  });

  it('returns no events for input that is neither text nor bytes', () => {
    expect(new SseParser().push(undefined as unknown as string)).toEqual([]);
  });
});
