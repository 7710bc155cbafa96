import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { HttpResponseParseError, HttpResponseParser } from './http-response-parser';
import type { HttpResponse } from './http-response-parser';

const jsonBody = '{"jsonrpc":"2.0","result":1}';
const jsonResponse = Buffer.from(
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nMcp-Session-Id: abc-123\r\nContent-Length: ${jsonBody.length}\r\n\r\n${jsonBody}`,
);
const chunk = (data: string, extension = ''): string => `${Buffer.byteLength(data).toString(16)}${extension}\r\n${data}\r\n`;
const chunkedSse = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n' +
    chunk('event: ') +
    chunk('message\ndata: {"result":{}}', ';ext=1') +
    chunk('\n\n') +
    '0\r\nX-Trailer: yes\r\n\r\n',
);

function feedSplit(parser: HttpResponseParser, bytes: Buffer, cuts: number[]): HttpResponse[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const responses: HttpResponse[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    responses.push(...parser.push(bytes.subarray(start, point)));
    start = point;
  }
  return responses;
}

describe('HttpResponseParser', () => {
  it('reads status, lower-cased headers and a Content-Length body', () => {
    const [response] = new HttpResponseParser().push(jsonResponse);
    expect(response?.status).toBe(200);
    expect(response?.headers['mcp-session-id']).toBe('abc-123');
    expect(response?.body.toString()).toBe('{"jsonrpc":"2.0","result":1}');
    expect(response?.connectionClose).toBe(false);
  });

  it('decodes a chunked SSE body, skipping chunk extensions and trailers', () => {
    const [response] = new HttpResponseParser().push(chunkedSse);
    expect(response?.body.toString()).toBe('event: message\ndata: {"result":{}}\n\n');
  });

  it('gives the same responses whatever the chunk boundaries of the input', () => {
    const stream = Buffer.concat([jsonResponse, chunkedSse, jsonResponse]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const parser = new HttpResponseParser();
        const responses = feedSplit(parser, stream, cuts);
        expect(responses.map((response) => response.body.toString())).toEqual([
          '{"jsonrpc":"2.0","result":1}',
          'event: message\ndata: {"result":{}}\n\n',
          '{"jsonrpc":"2.0","result":1}',
        ]);
        expect(parser.idle).toBe(true);
      }),
    );
  });

  it('completes bodiless answers: 202 with Content-Length 0 and 204', () => {
    const responses = new HttpResponseParser().push(Buffer.from('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'));
    expect(responses.map((response) => [response.status, response.body.length])).toEqual([
      [202, 0],
      [204, 0],
    ]);
  });

  it('frames a body without length by the end of the connection', () => {
    const parser = new HttpResponseParser();
    expect(parser.push(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial '))).toEqual([]);
    parser.push(Buffer.from('body'));
    const response = parser.end();
    expect(response?.body.toString()).toBe('partial body');
    expect(response?.connectionClose).toBe(true);
  });

  it('reports a connection that ends mid-response', () => {
    const parser = new HttpResponseParser();
    parser.push(jsonResponse.subarray(0, jsonResponse.length - 3));
    expect(() => parser.end()).toThrow(HttpResponseParseError);
  });

  it('rejects a malformed status line and a malformed chunk size', () => {
    expect(() => new HttpResponseParser().push(Buffer.from('HTTX/1.1 200 OK\r\n\r\n'))).toThrow(HttpResponseParseError);
    expect(() => new HttpResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toThrow(HttpResponseParseError);
  });
});
