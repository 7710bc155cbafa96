import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import { waitFor } from '@mcp-gateway/testing';
import { CallDeadline } from './call-deadline';
import { readSmallBody } from './outbound-request';
import { UpstreamConnectionPool } from './upstream-connection-pool';

interface Upstream {
  readonly url: URL;
  /** Connections the server accepted so far. */
  connections(): number;
  /** Connections the client (not the server) closed first. */
  closedByClient(): number;
  close(): Promise<void>;
}

const opened: Array<{ close(): Promise<void> | void }> = [];
const deadlines: CallDeadline[] = [];

afterEach(async () => {
  for (const deadline of deadlines.splice(0)) deadline.dispose();
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

function deadlineOf(timeoutMs: number): CallDeadline {
  const deadline = new CallDeadline(timeoutMs);
  deadlines.push(deadline);
  return deadline;
}

async function startUpstream(handler: http.RequestListener, configure?: (server: http.Server) => void): Promise<Upstream> {
  const server = http.createServer(handler);
  configure?.(server);
  const sockets = new Set<Socket>();
  let accepted = 0;
  let closedByClient = 0;
  server.on('connection', (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('end', () => (closedByClient += 1));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const upstream = {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`),
    connections: () => accepted,
    closedByClient: () => closedByClient,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  opened.push(upstream);
  return upstream;
}

function newPool(url: URL, options?: ConstructorParameters<typeof UpstreamConnectionPool>[1]): UpstreamConnectionPool {
  const pool = new UpstreamConnectionPool(url, options);
  opened.push(pool);
  return pool;
}

function post(pool: UpstreamConnectionPool, body: string, deadline = deadlineOf(5_000)) {
  return pool.send({ method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 'abc' }, body, deadline });
}

const echo: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'mcp-session-id': 'upstream-id' });
    res.end(text);
  });
};

describe('UpstreamConnectionPool', () => {
  it('sends method, path, host, headers and body as the upstream expects, and reads the answer', async () => {
    const upstream = await startUpstream(echo);
    const pool = newPool(upstream.url);
    const answer = await post(pool, '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"text":"é"}}');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['mcp-session-id']).toBe('upstream-id');
    expect(answer.rawHeaders).toContain('mcp-session-id');
    const seen = JSON.parse((await readSmallBody(answer)).toString()) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/mcp');
    expect(seen.headers['host']).toBe(upstream.url.host);
    expect(seen.headers['x-trace']).toBe('abc');
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(seen.body)));
    expect(seen.body).toBe('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"text":"é"}}');
    expect(answer.complete).toBe(true);
  });

  it('reuses one connection for calls one after another, and opens more for concurrent calls', async () => {
    const upstream = await startUpstream(echo);
    const pool = newPool(upstream.url);
    for (let i = 0; i < 5; i++) await readSmallBody(await post(pool, `{"n":${i}}`));
    expect(upstream.connections()).toBe(1);
    await Promise.all(Array.from({ length: 4 }, async (_, i) => readSmallBody(await post(pool, `{"n":${i}}`))));
    expect(upstream.connections()).toBe(4);
  });

  it('streams an SSE answer event by event: the first event arrives while the upstream still holds the rest', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const upstream = await startUpstream((req, res) => {
      if ((calls += 1) > 1) return echo(req, res);
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: {"progress":1}\n\n');
      release = () => res.end('event: message\ndata: {"result":{}}\n\n');
    });
    const pool = newPool(upstream.url);
    const answer = await post(pool, '{}');
    const first = await new Promise<string>((resolve) => answer.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(first).toContain('"progress":1');
    const rest: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => rest.push(chunk));
    const ended = new Promise((resolve) => answer.once('end', resolve));
    release();
    await ended;
    expect(Buffer.concat(rest).toString()).toContain('"result"');
    // The chunked answer ended cleanly: the connection is reused.
    await readSmallBody(await post(pool, '{}'));
    expect(upstream.connections()).toBe(1);
  });

  it('reads an answer without length until the upstream closes, then opens a new connection', async () => {
    const upstream = await startUpstream((req, res) => {
      req.resume();
      // HTTP/1.0-style: no Content-Length, no chunking, the end of the connection ends the body.
      res.socket?.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"until":"close"}');
    });
    const pool = newPool(upstream.url);
    expect((await readSmallBody(await post(pool, '{}'))).toString()).toBe('{"until":"close"}');
    expect((await readSmallBody(await post(pool, '{}'))).toString()).toBe('{"until":"close"}');
    expect(upstream.connections()).toBe(2);
  });

  it('closes an idle connection before the server would, so the next call does not meet a closing socket', async () => {
    const upstream = await startUpstream(echo, (server) => {
      server.keepAliveTimeout = 1_200; // announced as Keep-Alive: timeout=1
    });
    const pool = newPool(upstream.url);
    await readSmallBody(await post(pool, '{}'));
    await readSmallBody(await post(pool, '{}'));
    expect(upstream.connections()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const answer = await post(pool, '{}');
    expect(answer.statusCode).toBe(200);
    await readSmallBody(answer);
    expect(upstream.connections()).toBe(2);
    expect(upstream.closedByClient()).toBe(1);
  });

  it('rejects with the connection error when nothing listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const pool = newPool(new URL(`http://127.0.0.1:${port}/mcp`));
    await expect(post(pool, '{}')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects with ECONNRESET when the upstream drops the connection before answering', async () => {
    const upstream = await startUpstream((req) => req.socket.destroy());
    const pool = newPool(upstream.url);
    await expect(post(pool, '{}')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('errors the answer stream when the upstream dies mid-body, and does not reuse that connection', async () => {
    const upstream = await startUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const pool = newPool(upstream.url);
    const answer = await post(pool, '{}');
    await expect(readSmallBody(answer)).rejects.toThrow();
    expect(answer.complete).toBe(false);
  });

  it('aborts a call when its deadline fires: before the head the call rejects, the socket is closed', async () => {
    const upstream = await startUpstream(() => undefined); // never answers
    const pool = newPool(upstream.url);
    const deadline = deadlineOf(50);
    await expect(post(pool, '{}', deadline)).rejects.toThrow(/no answer within 50 ms/);
    expect(deadline.timedOut).toBe(true);
  });

  it('aborts a streaming answer when the caller gives up, and the next call gets a fresh connection', async () => {
    const upstream = await startUpstream((req, res) => {
      if (req.headers['x-mode'] === 'stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        return;
      }
      echo(req, res);
    });
    const pool = newPool(upstream.url);
    const deadline = deadlineOf(5_000);
    const answer = await pool.send({ method: 'POST', headers: { 'x-mode': 'stream' }, body: '{}', deadline });
    const failed = new Promise<Error>((resolve) => answer.once('error', resolve));
    deadline.abort('client disconnected');
    expect((await failed).message).toBe('client disconnected');
    const next = await post(pool, '{}');
    await readSmallBody(next);
    expect(upstream.connections()).toBe(2);
  });

  it('refuses a header value that would split the request, without sending anything', async () => {
    const upstream = await startUpstream(echo);
    const pool = newPool(upstream.url);
    await expect(pool.send({ method: 'POST', headers: { 'x-evil': 'a\r\nx-injected: 1' }, body: '{}', deadline: deadlineOf(1_000) })).rejects.toMatchObject({
      code: 'ERR_INVALID_CHAR',
    });
    expect(upstream.connections()).toBe(0);
  });

  it('after retire, idle connections are closed and a call still in flight finishes', async () => {
    let finish: () => void = () => undefined;
    const upstream = await startUpstream((req, res) => {
      req.resume();
      if (req.headers['x-mode'] === 'slow') {
        finish = () => res.end('{"slow":true}');
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 13 });
        res.flushHeaders();
        return;
      }
      echo(req, res);
    });
    const pool = newPool(upstream.url);
    // Two connections: one will be idle, the other carries the slow call.
    await Promise.all([post(pool, '{}'), post(pool, '{}')].map(async (answer) => readSmallBody(await answer)));
    const slow = await pool.send({ method: 'POST', headers: { 'x-mode': 'slow' }, body: '{}', deadline: deadlineOf(5_000) });
    pool.retire();
    await waitFor(() => (upstream.closedByClient() === 1 ? true : undefined), { timeoutMs: 2_000, intervalMs: 10, what: 'the idle connection to close' });
    finish();
    expect((await readSmallBody(slow)).toString()).toBe('{"slow":true}');
    // A retired pool keeps no connection for later.
    await waitFor(() => (upstream.closedByClient() === 2 ? true : undefined), { timeoutMs: 2_000, intervalMs: 10, what: 'the busy connection to close after its answer' });
  });

  it('pauses reading while the consumer does not read (backpressure), and resumes', async () => {
    const big = 'x'.repeat(4 * 1024 * 1024);
    const upstream = await startUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
      res.end(big);
    });
    const pool = newPool(upstream.url);
    const answer = await post(pool, '{}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Nothing read yet: only about a stream buffer's worth is held, not the whole answer.
    expect(answer.readableLength).toBeLessThan(big.length / 2);
    expect((await readSmallBody(answer, 8 * 1024 * 1024)).length).toBe(big.length);
  });
});
