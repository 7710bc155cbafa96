// An incremental parser for the HTTP/1.1 responses the router's own upstream connections
// receive (RFC 9112): status line, header lines, then the body framed by Content-Length,
// chunked transfer coding, or the end of the connection. Bytes arrive in any pieces; body
// bytes are handed on as they arrive (views into the received buffers, never collected), so
// an SSE answer streams through event by event. Interim 1xx answers are skipped.
//
// It accepts what Node's own (strict) parser accepts for these answers and refuses the
// ambiguous rest: line ends other than CRLF, folded header lines, conflicting
// Content-Length values, Content-Length together with Transfer-Encoding, transfer codings
// other than chunked, heads over 16 KiB (Node's default limit). It never throws at callers
// of `push`: a refusal is reported once through `onError`, after which input is ignored.

export interface Http1ResponseHandler {
  /** The head of the (final, non-1xx) answer; rawHeaders as `[name, value, …]`. */
  onHead(statusCode: number, rawHeaders: string[], facts: ResponseFacts): void;
  onBody(chunk: Buffer): void;
  /** The answer is complete; `keepAlive`: the connection may carry another request. */
  onComplete(keepAlive: boolean): void;
  onError(error: Http1ParseError): void;
}

export interface ResponseFacts {
  /** Declared body length; undefined for chunked or connection-delimited bodies. */
  readonly contentLength: number | undefined;
  readonly chunked: boolean;
  /** The server's `Keep-Alive: timeout=N`, in ms, when it said. */
  readonly keepAliveTimeoutMs: number | undefined;
}

export class Http1ParseError extends Error {
  override readonly name = 'Http1ParseError';
  readonly code = 'HPE_INVALID_RESPONSE';
}

export const MAX_HEAD_BYTES = 16 * 1024;
const MAX_CHUNK_SIZE_LINE = 1024;
const CR = 0x0d;
const LF = 0x0a;

type State = 'head' | 'body-length' | 'body-chunk-size' | 'body-chunk-data' | 'body-chunk-data-end' | 'trailers' | 'body-until-close' | 'done' | 'failed';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;

export class Http1ResponseParser {
  private state: State = 'head';
  /** Head bytes (or a chunk-size/trailer line) received so far but not yet complete. */
  private pending: Buffer | undefined;
  private remaining = 0;
  private keepAlive = false;

  constructor(private readonly handler: Http1ResponseHandler) {}

  /** True once the answer is complete (or failed): further bytes are not part of it. */
  get finished(): boolean {
    return this.state === 'done' || this.state === 'failed';
  }

  /** True while the body runs until the connection ends (no length, not chunked). */
  get readsUntilClose(): boolean {
    return this.state === 'body-until-close';
  }

  /** Feeds received bytes. Returns how many bytes of `data` belonged to this answer. */
  push(data: Buffer): number {
    let offset = 0;
    while (offset < data.length && !this.finished) {
      switch (this.state) {
        case 'head':
          offset = this.readHead(data, offset);
          break;
        case 'body-length': {
          const take = Math.min(this.remaining, data.length - offset);
          this.remaining -= take;
          this.handler.onBody(data.subarray(offset, offset + take));
          offset += take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case 'body-until-close':
          this.handler.onBody(offset === 0 ? data : data.subarray(offset));
          offset = data.length;
          break;
        case 'body-chunk-size':
          offset = this.readLine(data, offset, MAX_CHUNK_SIZE_LINE, (line) => this.chunkSize(line));
          break;
        case 'body-chunk-data': {
          const take = Math.min(this.remaining, data.length - offset);
          this.remaining -= take;
          this.handler.onBody(data.subarray(offset, offset + take));
          offset += take;
          if (this.remaining === 0) this.state = 'body-chunk-data-end';
          break;
        }
        case 'body-chunk-data-end':
          offset = this.readLine(data, offset, 2, (line) => (line.length === 0 ? 'body-chunk-size' : this.fail('chunk data longer than its size')));
          break;
        case 'trailers':
          offset = this.readLine(data, offset, MAX_HEAD_BYTES, (line) => {
            if (line.length === 0) {
              this.complete();
              return 'done';
            }
            return 'trailers';
          });
          break;
      }
    }
    return offset;
  }

  /** The connection ended. Completes a connection-delimited body; anything else unfinished
   * was cut short and is reported as an error by the caller. Returns whether it completed. */
  end(): boolean {
    if (this.state === 'body-until-close') {
      this.state = 'done';
      this.handler.onComplete(false);
      return true;
    }
    return this.state === 'done';
  }

  private complete(): void {
    this.state = 'done';
    this.handler.onComplete(this.keepAlive);
  }

  private fail(why: string): 'failed' {
    if (this.state !== 'failed') {
      this.state = 'failed';
      this.handler.onError(new Http1ParseError(`invalid HTTP response from upstream: ${why}`));
    }
    return 'failed';
  }

  /** Reads one CRLF-terminated line (without it) and moves to the state `next` returns. */
  private readLine(data: Buffer, offset: number, maxLength: number, next: (line: string) => State): number {
    const lf = data.indexOf(LF, offset);
    if (lf < 0) {
      this.pending = this.pending ? Buffer.concat([this.pending, data.subarray(offset)]) : Buffer.from(data.subarray(offset));
      if (this.pending.length > maxLength + 2) this.fail('line too long');
      return data.length;
    }
    const line = this.pending ? Buffer.concat([this.pending, data.subarray(offset, lf + 1)]) : data.subarray(offset, lf + 1);
    this.pending = undefined;
    if (line.length < 2 || line[line.length - 2] !== CR) {
      this.fail('line not ended by CRLF');
      return lf + 1;
    }
    if (line.length - 2 > maxLength) {
      this.fail('line too long');
      return lf + 1;
    }
    const state = next(line.toString('latin1', 0, line.length - 2));
    if (this.state !== 'failed' && this.state !== 'done') this.state = state;
    return lf + 1;
  }

  private chunkSize(line: string): State {
    const semicolon = line.indexOf(';');
    const digits = (semicolon < 0 ? line : line.slice(0, semicolon)).trimEnd();
    if (!/^[0-9A-Fa-f]{1,12}$/.test(digits)) return this.fail('bad chunk size');
    const size = Number.parseInt(digits, 16);
    if (size === 0) return 'trailers';
    this.remaining = size;
    return 'body-chunk-data';
  }

  /** Collects the head until the blank line, then parses it whole. */
  private readHead(data: Buffer, offset: number): number {
    const from = this.pending ? Math.max(0, this.pending.length - 3) : 0;
    const head = this.pending ? Buffer.concat([this.pending, data.subarray(offset)]) : data.subarray(offset);
    const end = head.indexOf('\r\n\r\n', from, 'latin1');
    if (end < 0) {
      if (head.length > MAX_HEAD_BYTES) {
        this.fail('head larger than 16 KiB');
        return data.length;
      }
      if (hasBareLineFeed(head, from)) {
        this.fail('line not ended by CRLF');
        return data.length;
      }
      this.pending = Buffer.from(head);
      return data.length;
    }
    const consumedBefore = this.pending ? this.pending.length : 0;
    this.pending = undefined;
    if (end + 4 > MAX_HEAD_BYTES) {
      this.fail('head larger than 16 KiB');
      return data.length;
    }
    this.parseHead(head.toString('latin1', 0, end));
    return offset + end + 4 - consumedBefore;
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const status = STATUS_LINE.exec(lines[0] ?? '');
    if (!status) {
      this.fail('bad status line');
      return;
    }
    const minorVersion = status[1];
    const statusCode = Number(status[2]);
    const rawHeaders: string[] = [];
    let contentLength: number | undefined;
    let chunked = false;
    let transferEncoding = false;
    let connection: string | undefined;
    let keepAliveTimeoutMs: number | undefined;
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index] as string;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name)) {
        this.fail(line.length > 0 && (line[0] === ' ' || line[0] === '\t') ? 'folded header line' : 'bad header line');
        return;
      }
      const value = withoutOws(line.slice(colon + 1));
      if (value.includes('\n') || value.includes('\r') || value.includes('\0')) {
        this.fail('bad header value');
        return;
      }
      rawHeaders.push(name, value);
      switch (name.length) {
        case 14:
          if (name.toLowerCase() === 'content-length') {
            if (!/^\d{1,15}$/.test(value)) {
              this.fail('bad Content-Length');
              return;
            }
            const length = Number(value);
            if (contentLength !== undefined && contentLength !== length) {
              this.fail('conflicting Content-Length');
              return;
            }
            contentLength = length;
          }
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') {
            transferEncoding = true;
            const codings = value.toLowerCase().split(',').map((coding) => coding.trim());
            if (codings[codings.length - 1] !== 'chunked' || codings.some((coding) => coding !== 'chunked')) {
              this.fail('transfer coding other than chunked');
              return;
            }
            chunked = true;
          }
          break;
        case 10:
          if (name.toLowerCase() === 'connection') connection = (connection ? `${connection},` : '') + value.toLowerCase();
          else if (name.toLowerCase() === 'keep-alive') {
            const timeout = /(?:^|[,\s])timeout=(\d{1,6})/i.exec(value);
            if (timeout) keepAliveTimeoutMs = Number(timeout[1]) * 1000;
          }
          break;
      }
    }
    if (transferEncoding && contentLength !== undefined) {
      this.fail('both Content-Length and Transfer-Encoding');
      return;
    }
    if (statusCode >= 100 && statusCode < 200) {
      // Interim answers (100 Continue, 103 Early Hints) precede the real one; 101 would
      // switch protocols, which the router never asks for.
      if (statusCode === 101) this.fail('unexpected 101 Switching Protocols');
      return;
    }
    const tokens = connection?.split(',').map((token) => token.trim()) ?? [];
    this.keepAlive = minorVersion === '1' ? !tokens.includes('close') : tokens.includes('keep-alive');
    const noBody = statusCode === 204 || statusCode === 304;
    this.handler.onHead(statusCode, rawHeaders, { contentLength: noBody ? 0 : contentLength, chunked: !noBody && chunked, keepAliveTimeoutMs });
    if (this.state === 'failed') return;
    if (noBody || contentLength === 0) {
      this.complete();
    } else if (chunked) {
      this.state = 'body-chunk-size';
    } else if (contentLength !== undefined) {
      this.remaining = contentLength;
      this.state = 'body-length';
    } else {
      this.keepAlive = false;
      this.state = 'body-until-close';
    }
  }
}

/** An LF not preceded by CR at or after `from` (an LF-only line end would never complete the head). */
function hasBareLineFeed(bytes: Buffer, from: number): boolean {
  for (let index = bytes.indexOf(LF, from); index >= 0; index = bytes.indexOf(LF, index + 1)) {
    if (index === 0 || bytes[index - 1] !== CR) return true;
  }
  return false;
}

/** A header value without the optional whitespace around it (RFC 9110 §5.5: SP / HTAB only). */
function withoutOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
