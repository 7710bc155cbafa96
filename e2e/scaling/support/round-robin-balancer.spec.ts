// The balancer the scaling suites put in front of the replicas: if it pinned clients to a
// replica, or buffered streams, or retried requests a replica may have acted on, the
// suites would prove less than they claim. Plain node:http backends on loopback.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { Agent } from 'node:http';
import { freePort, waitFor } from '@mcp-gateway/testing';
import { startRoundRobinBalancer, type RoundRobinBalancer } from './round-robin-balancer';

const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function backend(name: string, handler?: (res: ServerResponse) => void, readyz?: () => number): Promise<string> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(readyz ? readyz() : 200);
      res.end();
      return;
    }
    req.resume();
    req.once('end', () => {
      if (handler) return handler(res);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  opened.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

async function balancer(backends: string[]): Promise<RoundRobinBalancer> {
  const started = await startRoundRobinBalancer({ backends });
  opened.push(started);
  return started;
}

/** One request over `agent` (keep-alive: the same client connection every time). */
function get(url: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end('{}');
  });
}

describe('round-robin balancer', () => {
  it('sends each request of one keep-alive connection to the next backend in turn', async () => {
    const lb = await balancer([await backend('a'), await backend('b'), await backend('c')]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const seen: string[] = [];
    for (let i = 0; i < 6; i += 1) seen.push((await get(`${lb.origin}/mcp`, agent)).body);
    agent.destroy();
    expect(seen).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(lb.counts()).toEqual([2, 2, 2]);
  });

  it('skips a backend that refuses the connection and sends the request to the next one', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const lb = await balancer([await backend('a'), dead, await backend('c')]);
    const seen: string[] = [];
    for (let i = 0; i < 3; i += 1) seen.push((await get(`${lb.origin}/mcp`)).body);
    expect(seen).toEqual(['a', 'c', 'c']);
    expect(lb.history()[1]).toEqual({ at: expect.any(Number), method: 'POST', status: 200, backend: 2, skipped: [1] });
  });

  it('sends nothing to a backend whose readiness probe fails, and includes it again once it passes', async () => {
    let bReady = 503;
    const lb = await startRoundRobinBalancer({
      backends: [await backend('a'), await backend('b', undefined, () => bReady)],
      readinessPath: '/readyz',
      readinessIntervalMs: 20,
    });
    opened.push(lb);
    const before: string[] = [];
    for (let i = 0; i < 4; i += 1) before.push((await get(`${lb.origin}/mcp`)).body);
    expect(before).toEqual(['a', 'a', 'a', 'a']);
    bReady = 200;
    await waitFor(() => lb.readiness().every(Boolean), { what: 'b to pass its probe' });
    const after = new Set<string>();
    for (let i = 0; i < 4; i += 1) after.add((await get(`${lb.origin}/mcp`)).body);
    expect([...after].sort()).toEqual(['a', 'b']);
  });

  it('tries every backend when none passes its readiness probe (rather than refusing all traffic)', async () => {
    const lb = await startRoundRobinBalancer({ backends: [await backend('a', undefined, () => 503)], readinessPath: '/readyz' });
    opened.push(lb);
    expect((await get(`${lb.origin}/mcp`)).body).toBe('a');
  });

  it('answers 503 when no backend accepts the connection', async () => {
    const lb = await balancer([`http://127.0.0.1:${await freePort()}`]);
    expect((await get(`${lb.origin}/mcp`)).status).toBe(503);
  });

  it('relays a streamed answer chunk by chunk, before the backend has finished it', async () => {
    let finish: (() => void) | undefined;
    const origin = await backend('sse', (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      finish = () => res.end('data: last\n\n');
    });
    const lb = await balancer([origin]);
    const firstChunk = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${lb.origin}/mcp`, { method: 'GET' }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          resolve(chunk);
          finish?.();
        });
      });
      req.once('error', reject);
      req.end();
    });
    expect(firstChunk).toBe('data: first\n\n');
  });

  it('cuts the client’s answer when the backend dies mid-answer, without retrying elsewhere', async () => {
    const calls: string[] = [];
    const dying = await backend('dying', (res) => {
      calls.push('dying');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: partial\n\n');
      setTimeout(() => res.destroy(), 20);
    });
    const healthy = await backend('healthy', (res) => {
      calls.push('healthy');
      res.end('healthy');
    });
    const lb = await balancer([dying, healthy]);
    await expect(get(`${lb.origin}/mcp`)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    expect(calls).toEqual(['dying']);
  });
});
