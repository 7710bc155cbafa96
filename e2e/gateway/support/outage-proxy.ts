// An HTTP proxy in front of one upstream that can go down "for new traffic only": after
// cut(), it accepts no connection and drops every connection that is not carrying an open
// GET stream. That is the window a real outage opens before the broker notices it: the
// broker's notification stream to the upstream is still up (and with a long ping interval
// it does not ping), so the server stays in the routing table, while the router's next
// call finds nobody listening. It lets a test see the router's "upstream unavailable"
// answer deterministically instead of racing the broker.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface OutageProxy {
  /** http://127.0.0.1:PORT/mcp, forwarding to the target's /mcp. */
  readonly url: string;
  /** Stop listening and drop every connection except open GET streams. */
  cut(): Promise<void>;
  close(): Promise<void>;
}

export async function startOutageProxy(targetUrl: string): Promise<OutageProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const streaming = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const isStream = req.method === 'GET';
    if (isStream) streaming.add(req.socket);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          if (isStream) streaming.delete(req.socket);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    res.on('close', () => {
      if (isStream) streaming.delete(req.socket);
      upstream.destroy();
    });
  };

  const server = createServer(forward);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('outage proxy has no TCP address');
  let closed: Promise<void> | undefined;
  const stopListening = (): Promise<void> => (closed ??= new Promise((resolve) => server.close(() => resolve())));

  return {
    url: `http://127.0.0.1:${address.port}${target.pathname}`,
    cut: async () => {
      void stopListening();
      for (const socket of sockets) if (!streaming.has(socket)) socket.destroy();
    },
    close: async () => {
      const done = stopListening();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
