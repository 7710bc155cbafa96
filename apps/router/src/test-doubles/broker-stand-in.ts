// A small stand-in for the broker's /mcp so router specs do not depend on the broker: it
// answers initialize with a codec-issued Mcp-Session-Id (JSON), ping, tools/list, client
// notifications (202), keeps GET streams open, and answers DELETE 200 — recording every
// request. Specs only.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewaySessionIdCodec } from '@mcp-gateway/session-store';

export interface BrokerStandInRequest {
  readonly httpMethod: string;
  readonly sessionId: string | undefined;
  readonly jsonRpcMethod: string | undefined;
  readonly body: string;
}

export interface BrokerStandIn {
  readonly url: string;
  readonly received: BrokerStandInRequest[];
  openStreams(): number;
  stop(): Promise<void>;
}

const SUPPORTED = ['2025-11-25', '2025-06-18', '2025-03-26'];

export async function startBrokerStandIn(codec: GatewaySessionIdCodec): Promise<BrokerStandIn> {
  const received: BrokerStandInRequest[] = [];
  const streams = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      let message: { id?: string | number; method?: string; params?: { protocolVersion?: string } } = {};
      try {
        message = body === '' ? {} : (JSON.parse(body) as typeof message);
      } catch {
        message = {};
      }
      const sessionId = req.headers['mcp-session-id'] as string | undefined;
      received.push({ httpMethod: req.method ?? '', sessionId, jsonRpcMethod: Array.isArray(message) ? 'batch' : message.method, body });

      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(': stream open\n\n');
        streams.add(res);
        res.on('close', () => streams.delete(res));
        return;
      }
      if (req.method === 'DELETE') {
        res.writeHead(200).end();
        return;
      }
      const json = (value: unknown, headers: http.OutgoingHttpHeaders = {}): void => {
        const text = JSON.stringify(value);
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(text);
      };
      if (Array.isArray(message)) {
        json((message as Array<{ id?: number | string }>).filter((m) => m.id !== undefined).map((m) => ({ jsonrpc: '2.0', id: m.id, result: {} })));
        return;
      }
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      switch (message.method) {
        case 'initialize': {
          const requested = message.params?.protocolVersion ?? '';
          json(
            {
              jsonrpc: '2.0',
              id: message.id,
              result: {
                protocolVersion: SUPPORTED.includes(requested) ? requested : SUPPORTED[0],
                capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true } },
                serverInfo: { name: 'broker-stand-in', version: '0.0.0' },
              },
            },
            { 'mcp-session-id': codec.issue() },
          );
          return;
        }
        case 'ping':
          json({ jsonrpc: '2.0', id: message.id, result: {} });
          return;
        case 'tools/list':
          json({ jsonrpc: '2.0', id: message.id, result: { tools: [] } });
          return;
        default:
          json({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `Method not found: ${message.method}` } });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    openStreams: () => streams.size,
    stop: async () => {
      for (const stream of streams) stream.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
