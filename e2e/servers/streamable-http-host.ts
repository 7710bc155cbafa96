// Hosts session-era MCP servers over stateful Streamable HTTP (spec 2025-11-25, "Transports"
// → "Streamable HTTP" and "Session Management") on 127.0.0.1, one SDK `McpServer` per session.
//
// Every fixture server in e2e/ runs on this host, so the behaviour the gateway sees from its
// upstreams is the same everywhere: `initialize` without a session id opens a session and
// answers with `Mcp-Session-Id`; a known id is routed to its session; an unknown id gets 404
// (or 400, when a test asks for the "session not found"-as-400 flavour some servers use); a
// missing id on anything but `initialize` gets 400. Host and Origin are checked before
// anything else (spec "Security Warning": DNS rebinding).
//
// It must never bind anything but loopback and never keep the process alive after close().
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NodeStreamableHTTPServerTransport,
  hostHeaderValidation,
  originValidation,
} from '@modelcontextprotocol/node';
import type { McpServer } from '@modelcontextprotocol/server';
import { InMemoryEventStore } from './in-memory-event-store';

/** The JSON-RPC messages of one POST body, as the host saw them before the SDK did. */
export type ObservedClientMessage = Record<string, unknown>;

export interface StreamableHttpHostOptions {
  /** Server name, used in logs and error texts. */
  name: string;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Builds the MCP server for one new session (called once per `initialize`). */
  createSession: () => McpServer;
  /** Status for a request that names an unknown session: 404 per spec, 400 for the mode some servers use. */
  unknownSessionStatus?: UnknownSessionStatus;
  /**
   * Give each session an event store so SSE streams are resumable with `Last-Event-ID`
   * (spec "Resumability and Redelivery"), and announce `retryIntervalMs` in priming events.
   */
  resumable?: { retryIntervalMs: number };
  /** Host names (no port) accepted in `Host`/`Origin`; default loopback names only. */
  allowedHostnames?: string[];
  /** Sees every JSON-RPC message a client POSTs, with the session it was sent on. */
  observeClientMessage?: (message: ObservedClientMessage, sessionId: string | undefined) => void;
}

export type UnknownSessionStatus = 400 | 404;

export interface StreamableHttpHost {
  readonly url: string;
  readonly port: number;
  /** Ids of the sessions currently open. */
  sessionIds(): string[];
  /** How many sessions this host has opened since it started listening. */
  sessionsOpened(): number;
  /** Sessions that have a GET notification stream open right now (one entry per stream). */
  openGetStreams(): string[];
  /** The MCP server of each open session, e.g. to register a tool on all of them. */
  sessionServers(): McpServer[];
  /** Drops one session: later requests naming it get the unknown-session status. */
  forgetSession(sessionId: string): boolean;
  /** Drops every open session; returns how many were dropped. */
  forgetAllSessions(): number;
  setUnknownSessionStatus(status: UnknownSessionStatus): void;
  /** While set, every request to /mcp is answered with this HTTP status and nothing else. */
  setForcedStatus(status: number | undefined): void;
  close(): Promise<void>;
}

interface HostedSession {
  server: McpServer;
  transport: NodeStreamableHTTPServerTransport;
}

const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startStreamableHttpHost(options: StreamableHttpHostOptions): Promise<StreamableHttpHost> {
  const sessions = new Map<string, HostedSession>();
  // Forgotten sessions keep their transport until close(): a response already under way on
  // them (e.g. the answer to `forget_my_session` itself) must still reach the client.
  const forgotten: HostedSession[] = [];
  const getStreams: string[] = [];
  let opened = 0;
  let unknownSessionStatus: UnknownSessionStatus = options.unknownSessionStatus ?? 404;
  let forcedStatus: number | undefined;
  let closing = false;

  const allowedHostnames = options.allowedHostnames ?? LOOPBACK_HOSTNAMES;
  const hostIsAllowed = hostHeaderValidation(allowedHostnames);
  const originIsAllowed = originValidation(allowedHostnames);

  async function openSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const server = options.createSession();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        opened += 1;
        sessions.set(sessionId, { server, transport });
      },
      onsessionclosed: (sessionId) => {
        sessions.delete(sessionId);
      },
      ...(options.resumable
        ? { eventStore: new InMemoryEventStore(), retryInterval: options.resumable.retryIntervalMs }
        : {}),
    });
    transport.onclose = () => {
      const sessionId = transport.sessionId;
      if (sessionId !== undefined && sessions.get(sessionId)?.transport === transport) sessions.delete(sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize the transport refused leaves no session behind; release its server.
    if (transport.sessionId === undefined) await server.close();
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (forcedStatus !== undefined) {
      req.resume();
      writeJsonRpcError(res, forcedStatus, -32000, `${options.name} is failing on purpose (HTTP ${forcedStatus})`);
      return;
    }
    if (!hostIsAllowed(req, res) || !originIsAllowed(req, res)) return;

    const sessionId = singleHeader(req.headers['mcp-session-id']);
    let body: unknown;
    if (req.method === 'POST') {
      const read = await readJsonBody(req);
      if (!read.ok) {
        writeJsonRpcError(res, read.status, read.code, read.message);
        return;
      }
      body = read.value;
      for (const message of Array.isArray(body) ? body : [body]) {
        if (isRecord(message)) options.observeClientMessage?.(message, sessionId);
      }
    } else if (req.method !== 'GET' && req.method !== 'DELETE') {
      res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
      return;
    }

    if (sessionId === undefined) {
      if (req.method === 'POST' && containsInitialize(body)) {
        await openSession(req, res, body);
        return;
      }
      writeJsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      return;
    }
    const session = sessions.get(sessionId);
    if (session === undefined) {
      // Spec "Session Management" 3: a server that no longer knows a session answers 404.
      writeJsonRpcError(res, unknownSessionStatus, -32001, 'Session not found');
      return;
    }
    if (req.method === 'GET') {
      getStreams.push(sessionId);
      res.once('close', () => {
        const index = getStreams.indexOf(sessionId);
        if (index >= 0) getStreams.splice(index, 1);
      });
    }
    await session.transport.handleRequest(req, res, body);
  }

  const httpServer: HttpServer = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/mcp') {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    handleMcp(req, res).catch((error: unknown) => {
      if (!res.headersSent) writeJsonRpcError(res, 500, -32603, 'Internal error');
      else res.end();
      if (!closing) process.stderr.write(`${options.name}: request failed: ${String(error)}\n`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;

  function forget(sessionId: string): boolean {
    const session = sessions.get(sessionId);
    if (session === undefined) return false;
    sessions.delete(sessionId);
    forgotten.push(session);
    return true;
  }

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    sessionIds: () => [...sessions.keys()],
    sessionsOpened: () => opened,
    openGetStreams: () => [...getStreams],
    sessionServers: () => [...sessions.values()].map((session) => session.server),
    forgetSession: forget,
    forgetAllSessions: () => [...sessions.keys()].filter(forget).length,
    setUnknownSessionStatus: (status) => {
      unknownSessionStatus = status;
    },
    setForcedStatus: (status) => {
      forcedStatus = status;
    },
    close: async () => {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      const all = [...sessions.values(), ...forgotten];
      sessions.clear();
      forgotten.length = 0;
      await Promise.allSettled(all.map((session) => session.server.close()));
      // Open SSE streams and keep-alive sockets would hold close() forever.
      httpServer.closeAllConnections();
      await stopped;
    },
  };
}

function containsInitialize(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((message) => isRecord(message) && message['method'] === 'initialize');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

type BodyRead = { ok: true; value: unknown } | { ok: false; status: number; code: number; message: string };

async function readJsonBody(req: IncomingMessage): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, code: -32600, message: 'Request body too large' };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400, code: -32700, message: 'Parse error: body is not valid JSON' };
  }
}

function writeJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
