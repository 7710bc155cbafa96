// The router's own keep-alive HTTP/1.1 connections to one plain-HTTP upstream, for the hot
// path (routed calls). Compared with `http.request` over a keep-alive `http.Agent` it skips
// the per-request ClientRequest, agent bookkeeping and response object set-up, which cost
// about as much CPU as everything else the router does per call (measured here: about 50 µs
// against about 20 µs of client CPU per request at 16 concurrent calls). Each request is one
// write (head and body together); the answer is parsed by Http1ResponseParser and handed on
// as an UpstreamAnswer stream as soon as its head is complete, body bytes as they arrive.
//
// One request at a time per connection (no pipelining). A connection is reused only after
// a complete answer that allows it; idle connections are kept LIFO (at most `maxIdle`) and
// closed after `idleTimeoutMs`, or a second before the server's own Keep-Alive timeout
// when it announces one — so the router, not the server, closes an idle connection, and a
// request is not written onto a connection the server is closing. Like `http.Agent`, it
// never retries: a failed request is reported to the caller. HTTPS upstreams keep using
// `http.request`.

import net from 'node:net';
import type { OutgoingHttpHeaders } from 'node:http';
import type { CallDeadline } from './call-deadline';
import { Http1ResponseParser } from './http1-response-parser';
import type { Http1ParseError, Http1ResponseHandler, ResponseFacts } from './http1-response-parser';
import { headerLines, requestTargetOf } from './outbound-request';
import type { RequestTarget } from './outbound-request';
import { UpstreamAnswer } from './upstream-answer';
import type { UpstreamAnswerControl } from './upstream-answer';

export interface PooledRequest {
  readonly method: 'POST' | 'GET' | 'DELETE';
  readonly headers: OutgoingHttpHeaders | readonly string[];
  readonly body?: string | Uint8Array;
  readonly deadline: CallDeadline;
}

export interface UpstreamConnectionPoolOptions {
  /** Idle connections kept at most (default 64, like the agents'). */
  readonly maxIdle?: number;
  /** An idle connection is closed after this long (default 4 s: below Node's 5 s server
   * default, so the server is not the one closing it). */
  readonly idleTimeoutMs?: number;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const NON_ASCII = /[\u0080-\uffff]/;

/** A request header Node would refuse to write (ERR_INVALID_HTTP_TOKEN / ERR_INVALID_CHAR). */
export class InvalidRequestHeaderError extends TypeError {
  override readonly name = 'InvalidRequestHeaderError';
  readonly code = 'ERR_INVALID_CHAR';
}

/** The client went away or the deadline fired: the connection is cut mid-exchange. */
function hangUp(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error('socket hang up');
  error.code = 'ECONNRESET';
  return error;
}

export class UpstreamConnectionPool {
  private readonly target: RequestTarget;
  private readonly idle: Connection[] = [];
  private readonly busy = new Set<Connection>();
  private readonly maxIdle: number;
  private readonly idleTimeoutMs: number;
  private sweeper: NodeJS.Timeout | undefined;
  private retired = false;

  constructor(url: URL, options: UpstreamConnectionPoolOptions = {}) {
    if (url.protocol !== 'http:') throw new RangeError(`UpstreamConnectionPool speaks plain HTTP only, not ${url.protocol}`);
    this.target = requestTargetOf(url);
    this.maxIdle = options.maxIdle ?? 64;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 4_000;
  }

  /** Sends one request; resolves with the answer once its head has arrived. */
  send(request: PooledRequest): Promise<UpstreamAnswer> {
    const { body } = request;
    let head: string;
    try {
      head = requestHead(request.method, this.target, request.headers, body);
    } catch (error) {
      return Promise.reject(error);
    }
    let connection = this.idle.pop();
    if (connection === undefined) {
      connection = new Connection(this, net.connect({ host: this.target.hostname, port: Number(this.target.port || 80), noDelay: true, keepAlive: true, keepAliveInitialDelay: 10_000 }));
    }
    this.busy.add(connection);
    return connection.exchange(head, body, request.deadline);
  }

  /** No new requests after this: idle connections close now, busy ones when their answer
   * has ended (a long call is never cut by a config reload). */
  retire(): void {
    this.retired = true;
    for (const connection of this.idle.splice(0)) connection.destroy();
    this.stopSweeping();
  }

  /** Closes every connection, busy ones included. */
  close(): void {
    this.retire();
    for (const connection of [...this.busy]) connection.destroy();
    this.busy.clear();
  }

  /** @internal A connection finished an exchange and may carry another one. */
  release(connection: Connection, serverKeepAliveMs: number | undefined): void {
    this.busy.delete(connection);
    if (this.retired || this.idle.length >= this.maxIdle) {
      connection.destroy();
      return;
    }
    // A second before the server's announced timeout (half of it, for very short ones).
    const limit = serverKeepAliveMs === undefined ? this.idleTimeoutMs : Math.min(this.idleTimeoutMs, Math.max(serverKeepAliveMs - 1_000, serverKeepAliveMs / 2));
    if (limit <= 0) {
      connection.destroy();
      return;
    }
    connection.idleUntil = Date.now() + limit;
    this.idle.push(connection);
    this.startSweeping();
  }

  /** @internal A connection is gone (closed, failed, or not reusable). */
  forget(connection: Connection): void {
    this.busy.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
  }

  /** One coarse timer for all idle connections, running only while there are some. */
  private startSweeping(): void {
    if (this.sweeper !== undefined) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const connection of this.idle.filter((idle) => idle.idleUntil <= now)) connection.destroy();
      if (this.idle.length === 0) this.stopSweeping();
    }, 500);
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}

/** The request line and header block, validated as Node validates them. */
function requestHead(method: string, target: RequestTarget, headers: OutgoingHttpHeaders | readonly string[], body: string | Uint8Array | undefined): string {
  const contentLength = body === undefined ? (method === 'POST' ? 0 : undefined) : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const lines = headerLines(headers, target, contentLength);
  let head = `${method} ${target.path} HTTP/1.1\r\n`;
  for (let index = 0; index + 1 < lines.length; index += 2) {
    const name = lines[index] as string;
    const value = lines[index + 1] as string;
    if (!HEADER_NAME.test(name)) throw new InvalidRequestHeaderError(`invalid header name ${JSON.stringify(name)}`);
    if (INVALID_VALUE_CHAR.test(value)) throw new InvalidRequestHeaderError(`invalid character in header ${name}`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

/** One request and its answer on a connection; the deadline aborts it through `destroy`. */
class Exchange implements Http1ResponseHandler, UpstreamAnswerControl {
  readonly parser = new Http1ResponseParser(this);
  answer: UpstreamAnswer | undefined;
  done = false;
  private serverKeepAliveMs: number | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly resolve: (answer: UpstreamAnswer) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  onHead(statusCode: number, rawHeaders: string[], facts: ResponseFacts): void {
    this.serverKeepAliveMs = facts.keepAliveTimeoutMs;
    this.answer = new UpstreamAnswer(statusCode, rawHeaders, this);
    this.resolve(this.answer);
  }

  onBody(chunk: Buffer): void {
    if (this.answer && !this.answer.deliver(chunk)) this.connection.pause();
  }

  onComplete(keepAlive: boolean): void {
    this.done = true;
    this.answer?.finish();
    this.connection.finished(this, keepAlive, this.serverKeepAliveMs);
  }

  onError(error: Http1ParseError): void {
    this.fail(error);
  }

  /** The exchange failed: before the head, the caller's promise rejects; after it, the
   * answer stream errors. Either way the connection is closed. */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.answer === undefined) this.reject(error);
    else if (!this.answer.destroyed) this.answer.destroy(error instanceof Error ? error : new Error(String(error)));
    this.connection.destroy();
  }

  /** CallDeadline: the call timed out or the client left. */
  destroy(error?: Error): void {
    this.fail(error ?? hangUp());
  }

  resume(): void {
    if (!this.done) this.connection.resume();
  }

  abandon(error: Error): void {
    this.fail(error);
  }
}

class Connection {
  idleUntil = 0;
  private current: Exchange | undefined;
  private closed = false;

  constructor(
    private readonly pool: UpstreamConnectionPool,
    private readonly socket: net.Socket,
  ) {
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: Error) => this.onGone(error));
    socket.on('close', () => this.onGone(hangUp()));
  }

  exchange(head: string, body: string | Uint8Array | undefined, deadline: CallDeadline): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      const exchange = new Exchange(this, resolve, reject);
      this.current = exchange;
      deadline.attach(exchange);
      if (exchange.done) return;
      const { socket } = this;
      if (body === undefined) {
        socket.write(head, 'latin1');
      } else if (typeof body === 'string' && !NON_ASCII.test(head)) {
        // One string, one write: the head is ASCII, so UTF-8 encodes it unchanged.
        socket.write(head + body);
      } else {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      }
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** The answer is complete. */
  finished(exchange: Exchange, keepAlive: boolean, serverKeepAliveMs: number | undefined): void {
    if (this.current !== exchange) return;
    this.current = undefined;
    this.socket.resume();
    if (keepAlive && !this.closed) this.pool.release(this, serverKeepAliveMs);
    else this.destroy();
  }

  destroy(): void {
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
    }
    this.pool.forget(this);
  }

  private onData(data: Buffer): void {
    const exchange = this.current;
    if (exchange === undefined) {
      // Bytes nobody asked for (on an idle connection, or after a complete answer).
      this.destroy();
      return;
    }
    const used = exchange.parser.push(data);
    if (used < data.length && this.current === undefined) this.destroy();
  }

  private onEnd(): void {
    const exchange = this.current;
    // A connection-delimited body ends here (the parser completes it); anything else was cut.
    if (exchange !== undefined && !exchange.parser.end()) exchange.fail(hangUp());
    this.current = undefined;
    this.destroy();
  }

  private onGone(error: Error): void {
    this.closed = true;
    const exchange = this.current;
    this.current = undefined;
    if (exchange !== undefined && !exchange.done) {
      // A connection-delimited body ends with the connection.
      if (!exchange.parser.end()) exchange.fail(error);
    }
    this.pool.forget(this);
  }
}
