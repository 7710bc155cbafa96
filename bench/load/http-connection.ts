// One keep-alive HTTP/1.1 connection with at most one request in flight, written on a raw
// socket. The load generator uses this instead of node:http's client so that its own cost
// per request (a string write, a small head parse) is tiny and identical in every scenario.
// It never retries: a failed request is reported to the caller, which counts it.
import net from 'node:net';
import { HttpResponseParser } from './http-response-parser';
import type { HttpResponse } from './http-response-parser';

export class ConnectionFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionFailedError';
  }
}

export interface HttpEndpoint {
  readonly host: string;
  readonly port: number;
}

interface InFlight {
  readonly sentAtMs: number;
  readonly resolve: (response: HttpResponse) => void;
  readonly reject: (error: Error) => void;
}

export class HttpConnection {
  private readonly parser = new HttpResponseParser();
  private inFlight: InFlight | undefined;
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new ConnectionFailedError(`socket error: ${error.message}`, { cause: error })));
    socket.on('close', () => {
      try {
        const last = this.parser.end();
        if (last && this.inFlight) this.complete(last);
      } catch {
        // Reported below as a closed connection.
      }
      this.fail(new ConnectionFailedError('connection closed by the server'));
    });
  }

  static open(endpoint: HttpEndpoint, timeoutMs: number): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: endpoint.host, port: endpoint.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionFailedError(`connect to ${endpoint.host}:${endpoint.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new HttpConnection(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectionFailedError(`connect to ${endpoint.host}:${endpoint.port} failed: ${error.message}`, { cause: error }));
      });
    });
  }

  /** False once the socket failed or the server asked to close it: open a new one. */
  get usable(): boolean {
    return !this.closed;
  }

  /** Sends one complete request (head and body) and resolves with its response. */
  send(request: string, nowMs: number): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(new ConnectionFailedError('connection is closed'));
    if (this.inFlight) return Promise.reject(new ConnectionFailedError('a request is already in flight'));
    return new Promise((resolve, reject) => {
      this.inFlight = { sentAtMs: nowMs, resolve, reject };
      this.socket.write(request);
    });
  }

  /** Called by the run's shared watchdog: fails a request older than `timeoutMs`. */
  expire(nowMs: number, timeoutMs: number): void {
    if (this.inFlight && nowMs - this.inFlight.sentAtMs > timeoutMs) {
      this.fail(new ConnectionFailedError(`no response within ${timeoutMs} ms`));
    }
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let responses: HttpResponse[];
    try {
      responses = this.parser.push(chunk);
    } catch (error) {
      this.fail(new ConnectionFailedError(`unparseable response: ${(error as Error).message}`, { cause: error }));
      return;
    }
    for (const response of responses) this.complete(response);
  }

  private complete(response: HttpResponse): void {
    const waiting = this.inFlight;
    this.inFlight = undefined;
    if (response.connectionClose) this.close();
    if (waiting) waiting.resolve(response);
  }

  private fail(error: Error): void {
    const waiting = this.inFlight;
    this.inFlight = undefined;
    if (!this.closed) this.close();
    if (waiting) waiting.reject(error);
  }
}
