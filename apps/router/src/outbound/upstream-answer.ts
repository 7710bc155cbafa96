// An upstream's answer as a readable stream of body bytes, with its status and header
// lines — what the router's relays need of an answer, whichever client received it. Node's
// `http.IncomingMessage` has the same shape (`AnswerStream`), so the relays take either.

import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';

/** The part of an HTTP answer the relays use; `http.IncomingMessage` satisfies it. */
export interface AnswerStream extends Readable {
  readonly statusCode?: number | undefined;
  /** `[name, value, …]` as received. */
  readonly rawHeaders: string[];
  /** Lower-case names; repeated lines joined as Node joins them. */
  readonly headers: IncomingHttpHeaders;
  /** True once the whole body has been received. */
  readonly complete: boolean;
}

/** Fields Node keeps only the first of when they repeat (http.IncomingMessage docs). */
const FIRST_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

export interface UpstreamAnswerControl {
  /** The consumer wants more: resume reading the connection. */
  resume(): void;
  /** The consumer gave up on an incomplete body: the connection cannot be reused. */
  abandon(error: Error): void;
}

export class UpstreamAnswer extends Readable implements AnswerStream {
  complete = false;
  private parsedHeaders: IncomingHttpHeaders | undefined;

  constructor(
    readonly statusCode: number,
    readonly rawHeaders: string[],
    private readonly control: UpstreamAnswerControl,
  ) {
    super();
  }

  get headers(): IncomingHttpHeaders {
    if (this.parsedHeaders === undefined) {
      const headers: IncomingHttpHeaders = {};
      const raw = this.rawHeaders;
      for (let index = 0; index + 1 < raw.length; index += 2) {
        const name = (raw[index] as string).toLowerCase();
        const value = raw[index + 1] as string;
        const existing = headers[name];
        if (existing === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
        else if (Array.isArray(existing)) existing.push(value);
        else if (!FIRST_ONLY.has(name)) headers[name] = `${existing}${name === 'cookie' ? '; ' : ', '}${value}`;
      }
      this.parsedHeaders = headers;
    }
    return this.parsedHeaders;
  }

  /** Called by the connection: one piece of body. False = stop reading until `_read`. */
  deliver(chunk: Buffer): boolean {
    return this.push(chunk);
  }

  /** Called by the connection: the body is complete. */
  finish(): void {
    this.complete = true;
    this.push(null);
  }

  override _read(): void {
    this.control.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.complete) this.control.abandon(error ?? new Error('the answer was abandoned before its end'));
    // As http.IncomingMessage does: the error is emitted only to someone listening for it,
    // so an answer nobody reads any more cannot crash the process when its connection dies.
    callback(this.listenerCount('error') > 0 ? error : null);
  }
}
