// Incremental HTTP/1.1 response parser for the load generator's raw keep-alive sockets.
// It understands exactly what an MCP streamable-HTTP server sends back: a status line,
// headers, then a body framed by Content-Length, by chunked transfer coding (RFC 9112 §7.1),
// or (for `Connection: close` answers) by the end of the connection. It never interprets
// the body: callers look at bytes. Chunk boundaries of the input are irrelevant to the result.

export interface HttpResponse {
  readonly status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The server asked to close the connection after this response. */
  readonly connectionClose: boolean;
}

export class HttpResponseParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpResponseParseError';
  }
}

type ParserState = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'until-close';

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Refuse absurd heads instead of buffering without bound. */
const MAX_HEAD_BYTES = 64 * 1024;

export class HttpResponseParser {
  private pending: Buffer = Buffer.alloc(0);
  private state: ParserState = 'head';
  private status = 0;
  private headers: Record<string, string> = {};
  private connectionClose = false;
  private remaining = 0;
  private bodyParts: Buffer[] = [];
  private bodyLength = 0;

  /** Feeds bytes; returns every response completed by them (usually zero or one). */
  push(chunk: Buffer): HttpResponse[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const done: HttpResponse[] = [];
    for (;;) {
      const response = this.step();
      if (response === 'need-more') break;
      if (response !== 'continue') done.push(response);
    }
    return done;
  }

  /** The connection ended: completes a response framed by connection close, if any. */
  end(): HttpResponse | undefined {
    if (this.state === 'until-close') {
      this.takeBody(this.pending);
      this.pending = Buffer.alloc(0);
      return this.finish();
    }
    if (this.state !== 'head' || this.pending.length > 0) {
      throw new HttpResponseParseError(`connection ended in the middle of a response (${this.state})`);
    }
    return undefined;
  }

  /** True between responses: nothing buffered, nothing half-read. */
  get idle(): boolean {
    return this.state === 'head' && this.pending.length === 0;
  }

  private step(): HttpResponse | 'need-more' | 'continue' {
    switch (this.state) {
      case 'head':
        return this.readHead();
      case 'length': {
        if (this.pending.length === 0) return 'need-more';
        const take = Math.min(this.remaining, this.pending.length);
        this.takeBody(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        return this.remaining === 0 ? this.finish() : 'need-more';
      }
      case 'chunk-size': {
        const lineEnd = this.pending.indexOf(CRLF);
        if (lineEnd < 0) return 'need-more';
        const sizeText = this.pending.toString('latin1', 0, lineEnd).split(';', 1)[0]?.trim() ?? '';
        if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new HttpResponseParseError(`bad chunk size "${sizeText}"`);
        this.remaining = Number.parseInt(sizeText, 16);
        this.pending = this.pending.subarray(lineEnd + 2);
        this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
        return 'continue';
      }
      case 'chunk-data': {
        if (this.pending.length === 0) return 'need-more';
        const take = Math.min(this.remaining, this.pending.length);
        this.takeBody(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'chunk-data-end';
        return 'continue';
      }
      case 'chunk-data-end': {
        if (this.pending.length < 2) return 'need-more';
        if (this.pending[0] !== 13 || this.pending[1] !== 10) throw new HttpResponseParseError('chunk not followed by CRLF');
        this.pending = this.pending.subarray(2);
        this.state = 'chunk-size';
        return 'continue';
      }
      case 'trailers': {
        const lineEnd = this.pending.indexOf(CRLF);
        if (lineEnd < 0) return 'need-more';
        this.pending = this.pending.subarray(lineEnd + 2);
        // Trailer fields are skipped; the empty line ends the message.
        return lineEnd === 0 ? this.finish() : 'continue';
      }
      case 'until-close':
        this.takeBody(this.pending);
        this.pending = Buffer.alloc(0);
        return 'need-more';
    }
  }

  private readHead(): HttpResponse | 'need-more' | 'continue' {
    const headEnd = this.pending.indexOf(HEAD_END);
    if (headEnd < 0) {
      if (this.pending.length > MAX_HEAD_BYTES) throw new HttpResponseParseError('response head too large');
      return 'need-more';
    }
    const lines = this.pending.toString('latin1', 0, headEnd).split('\r\n');
    this.pending = this.pending.subarray(headEnd + 4);
    const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!statusMatch) throw new HttpResponseParseError(`bad status line "${lines[0] ?? ''}"`);
    this.status = Number(statusMatch[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HttpResponseParseError(`bad header line "${line}"`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = headers[name];
      headers[name] = previous === undefined ? value : `${previous}, ${value}`;
    }
    this.headers = headers;
    this.connectionClose = /\bclose\b/i.test(headers['connection'] ?? '');
    this.bodyParts = [];
    this.bodyLength = 0;

    // RFC 9112 §6.3: 1xx, 204 and 304 have no body; chunked wins over Content-Length.
    if ((this.status >= 100 && this.status < 200) || this.status === 204 || this.status === 304) {
      return this.finish();
    }
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      this.state = 'chunk-size';
      return 'continue';
    }
    const lengthText = headers['content-length'];
    if (lengthText !== undefined) {
      if (!/^\d+$/.test(lengthText)) throw new HttpResponseParseError(`bad content-length "${lengthText}"`);
      this.remaining = Number(lengthText);
      if (this.remaining === 0) return this.finish();
      this.state = 'length';
      return 'continue';
    }
    this.state = 'until-close';
    this.connectionClose = true;
    return 'continue';
  }

  private takeBody(part: Buffer): void {
    if (part.length === 0) return;
    this.bodyParts.push(part);
    this.bodyLength += part.length;
  }

  private finish(): HttpResponse {
    const body =
      this.bodyParts.length === 1 ? (this.bodyParts[0] as Buffer) : Buffer.concat(this.bodyParts, this.bodyLength);
    const response: HttpResponse = {
      status: this.status,
      headers: this.headers,
      body,
      connectionClose: this.connectionClose,
    };
    this.state = 'head';
    this.bodyParts = [];
    this.bodyLength = 0;
    return response;
  }
}
