// The floor any Node reverse proxy pays: one node:http hop that parses nothing (no JSON,
// no routing), pipes the request body to the upstream over a keep-alive agent and pipes the
// answer back. Benchmark scenario 1b compares the gateway against it.
// Run: `node --import tsx bench/plain-proxy.ts --target http://127.0.0.1:P [--port N]`;
// prints `{"msg":"plain proxy listening","port":N}` when ready.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface PlainProxy {
  readonly port: number;
  close(): Promise<void>;
}

export async function startPlainProxy(options: { target: URL; port?: number; host?: string }): Promise<PlainProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024 });
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: options.target.hostname, port: options.target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { target: { type: 'string' }, port: { type: 'string', default: '0' } } });
  if (values.target === undefined) {
    console.error('usage: plain-proxy.ts --target http://127.0.0.1:PORT [--port N]');
    process.exit(2);
  }
  const proxy = await startPlainProxy({ target: new URL(values.target), port: Number(values.port) });
  console.log(JSON.stringify({ msg: 'plain proxy listening', port: proxy.port }));
  const stop = (): void => void proxy.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}
