// A round-robin HTTP load balancer for the scaling suites: every request (not every
// connection) goes to the next backend in turn, so a client that keeps one keep-alive
// connection to the balancer still lands each request on a different replica — the
// "no session affinity" case the gateway must survive.
//
// It behaves like the balancers a deployment puts in front of replicas (a Kubernetes
// Service behind Envoy, an ingress): with `readinessPath` it probes every backend's
// readiness endpoint and sends nothing to a backend that is not ready (as endpoints drop
// out of a Service), unless none is ready (then it tries them all, like Envoy's panic mode).
// A backend that refuses the connection (a killed or restarting replica) is skipped and the
// request is sent to the next one, because a refused connection proves the request was
// never delivered. Anything else — a reset mid-request, a stream cut mid-answer — reaches
// the client as a broken response: a balancer cannot know whether the replica acted on it,
// so it must not retry. Responses are piped as they arrive (an SSE stream is never
// collected). Test code: loopback only, no TLS.
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface RoundRobinBalancerOptions {
  /** Backend origins, e.g. `http://127.0.0.1:8081`. Request paths are kept as sent. */
  readonly backends: readonly string[];
  /** Listening port; default 0 (a free one). */
  readonly port?: number;
  /** Shown in the 503 answer when no backend accepts the connection. */
  readonly name?: string;
  /** Path probed on every backend (e.g. `/readyz`); only backends answering 200 get
   * requests. Default: no probing, every backend that accepts connections gets requests. */
  readonly readinessPath?: string;
  /** Probe period (default 100 ms). */
  readonly readinessIntervalMs?: number;
}

/** Where one request went. */
export interface BalancedRequest {
  /** When the backend took it (ms since the epoch). */
  readonly at: number;
  readonly method: string;
  /** The backend's HTTP status. */
  readonly status: number;
  /** Index into `backends` of the backend that took the request. */
  readonly backend: number;
  /** Backends that refused the connection first (skipped). */
  readonly skipped: readonly number[];
}

export interface RoundRobinBalancer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  readonly backends: readonly string[];
  /** Every request that reached a backend, oldest first. */
  history(): readonly BalancedRequest[];
  /** Requests each backend took, by index. */
  counts(): number[];
  /** Which backends passed their last readiness probe (all true without probing). */
  readiness(): boolean[];
  /** Stops listening and cuts every open connection (open SSE streams included). */
  close(): Promise<void>;
}

/** RFC 9110 §7.6.1: meaningful for one hop only. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) kept[name] = headers[name];
  return kept;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function isConnectionRefused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED';
}

export async function startRoundRobinBalancer(options: RoundRobinBalancerOptions): Promise<RoundRobinBalancer> {
  if (options.backends.length === 0) throw new RangeError('a balancer needs at least one backend');
  const backends = options.backends.map((origin) => new URL(origin));
  const history: BalancedRequest[] = [];
  const counts = backends.map(() => 0);
  const sockets = new Set<Socket>();
  const ready = backends.map(() => true);
  let next = 0;

  const probe = async (index: number): Promise<void> => {
    const url = new URL(options.readinessPath ?? '/', backends[index]);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      ready[index] = response.status === 200;
    } catch {
      ready[index] = false;
    }
  };
  let probing: NodeJS.Timeout | undefined;
  let probeRound: Promise<void> = Promise.resolve();
  if (options.readinessPath !== undefined) {
    probeRound = Promise.all(backends.map((_, index) => probe(index))).then(() => undefined);
    await probeRound;
    probing = setInterval(() => {
      probeRound = probeRound.then(() => Promise.all(backends.map((_, index) => probe(index))).then(() => undefined));
    }, options.readinessIntervalMs ?? 100);
    probing.unref();
  }

  /** Backend indexes in the order to try for the next request. */
  const order = (): number[] => {
    const first = next;
    next = (next + 1) % backends.length;
    const all = backends.map((_, offset) => (first + offset) % backends.length);
    const readyOnes = all.filter((index) => ready[index]);
    return readyOnes.length > 0 ? readyOnes : all;
  };

  /** Sends the request to `backend`; resolves with its response, rejects with the socket error. */
  const attempt = (backend: URL, req: IncomingMessage, body: Buffer, client: ServerResponse): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers = withoutHopByHop(req.headers);
      if (body.length > 0 || req.method === 'POST') headers['content-length'] = body.length;
      // No connection reuse towards backends: a pooled socket to a replica that just died
      // would fail with a reset that cannot be told apart from a delivered request.
      const outbound = httpRequest({ host: backend.hostname, port: backend.port, path: req.url, method: req.method, headers, agent: false }, resolve);
      outbound.once('error', reject);
      client.once('close', () => outbound.destroy());
      outbound.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const skipped: number[] = [];
    for (const index of order()) {
      const backend = backends[index] as URL;
      let response: IncomingMessage;
      try {
        response = await attempt(backend, req, body, res);
      } catch (error) {
        if (isConnectionRefused(error) && !res.destroyed) {
          skipped.push(index);
          if (options.readinessPath !== undefined) ready[index] = false;
          continue;
        }
        res.destroy();
        return;
      }
      history.push({ at: Date.now(), method: req.method ?? 'GET', status: response.statusCode ?? 0, backend: index, skipped });
      counts[index] = (counts[index] ?? 0) + 1;
      res.writeHead(response.statusCode ?? 502, withoutHopByHop(response.headers));
      res.flushHeaders();
      response.pipe(res);
      // A backend that dies mid-answer: the client sees its response cut, as it would.
      response.once('close', () => {
        if (!response.complete) res.destroy();
      });
      return;
    }
    const message = `${options.name ?? 'balancer'}: no backend accepted the connection`;
    res.writeHead(503, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(message) });
    res.end(message);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the balancer has no TCP address');
  const port = address.port;
  let closing: Promise<void> | undefined;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    backends: options.backends,
    history: () => history,
    counts: () => [...counts],
    readiness: () => [...ready],
    close: () => {
      if (probing) clearInterval(probing);
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        await probeRound;
      })();
      return closing;
    },
  };
}
