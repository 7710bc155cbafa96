import { describe, expect, it } from '@jest/globals';
import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { Http1ResponseParser, MAX_HEAD_BYTES } from './http1-response-parser';
import type { Http1ParseError, ResponseFacts } from './http1-response-parser';

interface Parsed {
  statusCode?: number;
  rawHeaders?: string[];
  facts?: ResponseFacts;
  body: Buffer[];
  completed?: { keepAlive: boolean };
  error?: Http1ParseError;
  used: number;
}

/** Feeds `chunks` one by one, then (optionally) the end of the connection. */
function parse(chunks: Uint8Array[], endOfConnection = false): Parsed {
  const parsed: Parsed = { body: [], used: 0 };
  const parser = new Http1ResponseParser({
    onHead: (statusCode, rawHeaders, facts) => Object.assign(parsed, { statusCode, rawHeaders, facts }),
    onBody: (chunk) => parsed.body.push(Buffer.from(chunk)),
    onComplete: (keepAlive) => {
      if (parsed.completed) throw new Error('completed twice');
      parsed.completed = { keepAlive };
    },
    onError: (error) => {
      if (parsed.error) throw new Error('failed twice');
      parsed.error = error;
    },
  });
  for (const chunk of chunks) {
    if (parser.finished) break;
    parsed.used += parser.push(Buffer.from(chunk));
  }
  if (endOfConnection) parser.end();
  return parsed;
}

const text = (value: string): Buffer => Buffer.from(value, 'latin1');

/** Cuts `bytes` at the given positions (reduced modulo length + 1). */
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

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/).filter((name) => !/^(content-length|transfer-encoding|connection|keep-alive)$/i.test(name));
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/);
const framing = fc.constantFrom('length', 'chunked', 'close');

const response = fc.record({
  minor: fc.constantFrom('0', '1'),
  status: fc.integer({ min: 200, max: 599 }).filter((status) => status !== 204 && status !== 304),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
  body: fc.uint8Array({ maxLength: 300 }),
  framing,
  chunkSizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
  chunkExtension: fc.boolean(),
  trailer: fc.boolean(),
  close: fc.boolean(),
  interim: fc.boolean(),
});

type Response = typeof response extends fc.Arbitrary<infer T> ? T : never;

/** The wire form of a generated response, and what parsing it must yield. */
function wire(r: Response): { bytes: Buffer; rawHeaders: string[]; keepAlive: boolean } {
  const rawHeaders = r.headers.flat();
  const lines = [`HTTP/1.${r.minor} ${r.status} Whatever Reason`];
  for (const [name, value] of r.headers) lines.push(`${name}: ${value}`);
  if (r.close) {
    lines.push('Connection: close');
    rawHeaders.push('Connection', 'close');
  } else if (r.minor === '0') {
    lines.push('Connection: keep-alive');
    rawHeaders.push('Connection', 'keep-alive');
  }
  const parts: Buffer[] = [];
  if (r.interim) parts.push(text('HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n'));
  if (r.framing === 'length') {
    lines.push(`Content-Length: ${r.body.length}`);
    rawHeaders.push('Content-Length', String(r.body.length));
    parts.push(text(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(r.body));
  } else if (r.framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    rawHeaders.push('Transfer-Encoding', 'chunked');
    parts.push(text(`${lines.join('\r\n')}\r\n\r\n`));
    let offset = 0;
    let index = 0;
    while (offset < r.body.length) {
      const size = Math.min(r.chunkSizes[index % r.chunkSizes.length] as number, r.body.length - offset);
      parts.push(text(`${size.toString(16)}${r.chunkExtension ? ';name=value' : ''}\r\n`), Buffer.from(r.body.subarray(offset, offset + size)), text('\r\n'));
      offset += size;
      index += 1;
    }
    parts.push(text(`0\r\n${r.trailer ? 'X-Trailer: yes\r\n' : ''}\r\n`));
  } else {
    parts.push(text(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(r.body));
  }
  const keepAlive = r.framing !== 'close' && !r.close;
  return { bytes: Buffer.concat(parts), rawHeaders, keepAlive };
}

describe('Http1ResponseParser', () => {
  it('yields the same head, body and completion however the bytes are cut', () => {
    fc.assert(
      fc.property(response, fc.array(fc.nat(), { maxLength: 12 }), (r, cuts) => {
        const expected = wire(r);
        const parsed = parse(split(expected.bytes, cuts), r.framing === 'close');
        deepStrictEqual(parsed.error, undefined);
        deepStrictEqual(parsed.statusCode, r.status);
        deepStrictEqual(parsed.rawHeaders, expected.rawHeaders);
        deepStrictEqual(Buffer.concat(parsed.body), Buffer.from(r.body));
        deepStrictEqual(parsed.completed, { keepAlive: expected.keepAlive });
        deepStrictEqual(parsed.used, expected.bytes.length);
      }),
      { numRuns: 3_000 },
    );
  });

  it('stops at the end of one answer and says how many bytes were its own', () => {
    const first = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const parsed = parse([text(`${first}HTTP/1.1 200 OK\r\n`)]);
    expect(parsed.completed).toEqual({ keepAlive: true });
    expect(parsed.used).toBe(first.length);
  });

  it('hands body bytes on as they arrive, before the answer is complete', () => {
    const parsed = parse([text('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n'), text('d\r\ndata: first\n\n\r\n')]);
    expect(Buffer.concat(parsed.body).toString()).toBe('data: first\n\n');
    expect(parsed.completed).toBeUndefined();
  });

  it('reads a body without length or chunking until the connection ends, and never reuses it', () => {
    const parsed = parse([text('HTTP/1.1 200 OK\r\n\r\nall of'), text(' it')], true);
    expect(Buffer.concat(parsed.body).toString()).toBe('all of it');
    expect(parsed.completed).toEqual({ keepAlive: false });
  });

  it('completes 204 and 304 answers at their head', () => {
    expect(parse([text('HTTP/1.1 204 No Content\r\n\r\n')]).completed).toEqual({ keepAlive: true });
    expect(parse([text('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')]).completed).toEqual({ keepAlive: true });
  });

  it("reports the server's Keep-Alive timeout", () => {
    const parsed = parse([text('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n')]);
    expect(parsed.facts?.keepAliveTimeoutMs).toBe(5_000);
  });

  it.each([
    ['a line ended by LF alone', 'HTTP/1.1 200 OK\nContent-Length: 0\n\n'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\nContent-Length: 0\r\n\r\n'],
    ['conflicting Content-Length values', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx'],
    ['Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['a transfer coding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'],
    ['a bad status line', 'HTTP/2 200 OK\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n'],
    ['a header name with a space', 'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n'],
    ['101 Switching Protocols', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
  ])('refuses %s, once', (_what, bytes) => {
    const parsed = parse([text(bytes)]);
    expect(parsed.error?.code).toBe('HPE_INVALID_RESPONSE');
    expect(parsed.completed).toBeUndefined();
  });

  it('refuses a head larger than 16 KiB, even when it arrives in small pieces', () => {
    const head = text(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\nContent-Length: 0\r\n\r\n`);
    expect(parse(split(head, Array.from({ length: 40 }, (_, index) => index * 500))).error?.code).toBe('HPE_INVALID_RESPONSE');
  });

  it('does not complete an answer the connection cut short', () => {
    const parsed = parse([text('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')], true);
    expect(parsed.completed).toBeUndefined();
  });
});
