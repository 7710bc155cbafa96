import { describe, it, expect, afterEach } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SseParser } from '@mcp-gateway/jsonrpc';
import { relayResponse } from './response-relay';
import type { RelayOutcome, SseEventRewriter } from './response-relay';

// A real upstream writes SSE in chosen pieces; a real relay server relays it with
// relayResponse; a real client reads what arrives.

const servers: http.Server[] = [];

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Renames "ask" events' ids after a delay, as a store round trip would. */
const renamingRewriter: SseEventRewriter = {
  mayRewrite: (data) => data.indexOf('"method"') !== -1 && data.indexOf('"id"') !== -1,
  rewrite: async (data) => {
    await pause(20);
    const message = JSON.parse(data) as { id?: unknown; method?: string };
    return message.method === 'ask' ? JSON.stringify({ ...message, id: `gw-${String(message.id)}` }) : undefined;
  },
};

async function relayThrough(pieces: Array<string | number>, rewriter: SseEventRewriter | undefined): Promise<{ events: string[]; outcome: RelayOutcome; arrivals: number[] }> {
  const upstreamUrl = await listen((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    void (async () => {
      for (const piece of pieces) {
        if (typeof piece === 'number') await pause(piece);
        else res.write(piece);
      }
      res.end();
    })();
  });
  let outcome: RelayOutcome | undefined;
  const relayUrl = await listen((_req, res) => {
    http.get(upstreamUrl, (response) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void relayResponse(response, res, rewriter).then((o) => (outcome = o));
    });
  });
  const events: string[] = [];
  const arrivals: number[] = [];
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    http
      .get(relayUrl, (response) => {
        const parser = new SseParser();
        response.on('data', (chunk: Buffer) => {
          for (const event of parser.push(chunk)) {
            events.push(event.data);
            arrivals.push(Date.now() - started);
          }
        });
        response.on('end', resolve);
      })
      .on('error', reject);
  });
  await pause(10);
  if (!outcome) throw new Error('relay did not settle');
  return { events, outcome, arrivals };
}

describe('relayResponse', () => {
  it('passes events through as they arrive, before the stream ends', async () => {
    const { events, arrivals } = await relayThrough(['data: {"progress":1}\n\n', 300, 'data: {"result":{}}\n\n'], undefined);
    expect(events).toEqual(['{"progress":1}', '{"result":{}}']);
    expect(arrivals[0]).toBeLessThan(200);
  });

  it('rewrites request events, keeps every other event and their order, also when events are split across chunks', async () => {
    const { events, outcome } = await relayThrough(
      [
        'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n',
        'data: {"jsonrpc":"2.0","id":7,"meth',
        10,
        'od":"ask"}\n\ndata: {"jsonrpc":"2.0","id":1,"result":{"text":"between"}}\n\n',
        'data: {"jsonrpc":"2.0","id":8,"method":"ask"}\n\n',
        ': keep-alive\n\n',
        'data: {"jsonrpc":"2.0","id":1,"result":{}}\n\n',
      ],
      renamingRewriter,
    );
    expect(events).toEqual([
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{}}',
      '{"jsonrpc":"2.0","id":"gw-7","method":"ask"}',
      '{"jsonrpc":"2.0","id":1,"result":{"text":"between"}}',
      '{"jsonrpc":"2.0","id":"gw-8","method":"ask"}',
      '{"jsonrpc":"2.0","id":1,"result":{}}',
    ]);
    expect(outcome).toEqual({ kind: 'done', rewroteEvents: true });
  });

  it('reports an upstream that breaks mid-stream, and whether it broke between events', async () => {
    const upstreamUrl = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"a":1}\n\n');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const outcome = await new Promise<RelayOutcome>((resolve) => {
      void listen((_req, res) => {
        http.get(upstreamUrl, (response) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          void relayResponse(response, res, renamingRewriter).then((o) => {
            res.end();
            resolve(o);
          });
        });
      }).then((relayUrl) => http.get(relayUrl, (response) => response.resume()));
    });
    expect(outcome).toMatchObject({ kind: 'upstream-broke', atEventBoundary: true });
  });
});
