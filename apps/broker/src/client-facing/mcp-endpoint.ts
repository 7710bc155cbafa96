// The broker's `/mcp`, reached through the router (CORE.md "Broker"): POST answers the
// gateway-owned methods, GET opens a session's notification stream, DELETE closes the
// session's streams. Sessions are checked by signature only: the router has already
// checked the session store, and the broker keeps no session state of its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, JsonRpcErrorCode, errorResponse, isRequest, parseJsonRpc, serializeJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcMessage } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import type { GatewayMethods, ResponseChunks } from './gateway-methods';
import type { NotificationStreams } from './notification-streams';
import { readRequestBody } from './request-body';
import type { StatelessGatewayMethods } from './stateless-gateway-methods';
import { isStatelessEraRequest } from './stateless-request';

/** The two operations of GatewaySessionIdCodec the broker uses. */
export interface SessionIdSigner {
  issue(): string;
  verify(id: string): boolean;
}

export interface McpEndpointOptions {
  readonly sessionIds: SessionIdSigner;
  readonly methods: GatewayMethods;
  readonly streams: NotificationStreams;
  /** Answers stateless-era (2026-07-28) requests, which carry no session. */
  readonly stateless?: StatelessGatewayMethods;
  readonly maxRequestBodyBytes: number;
  readonly logger: Logger;
  /** Observes each JSON-RPC method answered (metrics). */
  readonly onMethod?: (method: string) => void;
}

const SESSION_HEADER = 'mcp-session-id';

export class McpEndpoint {
  constructor(private readonly options: McpEndpointOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST' && this.options.stateless && isStatelessEraRequest(req.headers)) {
        // MCP 2026-07-28 "Streamable HTTP: Backward Compatibility": no GET stream, no DELETE.
        res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
        res.end(serializeJsonRpc(errorResponse(null, JsonRpcErrorCode.InvalidRequest, `method ${req.method ?? ''} not allowed on /mcp in protocol version 2026-07-28`)));
        return;
      }
      switch (req.method) {
        case 'POST':
          return await this.post(req, res);
        case 'GET':
          return this.get(req, res);
        case 'DELETE':
          return this.delete(req, res);
        default:
          res.writeHead(405, { allow: 'GET, POST, DELETE', 'content-type': 'application/json' });
          res.end(serializeJsonRpc(errorResponse(null, JsonRpcErrorCode.InvalidRequest, `method ${req.method ?? ''} not allowed on /mcp`)));
      }
    } catch (error) {
      this.fail(res, error);
    }
  }

  private async post(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readRequestBody(req, this.options.maxRequestBodyBytes);
    const parsed = parseJsonRpc(body);
    if (this.options.stateless && isStatelessEraRequest(req.headers)) return this.options.stateless.answer(parsed, res);
    if (!parsed.ok) return this.sendJson(res, 400, serializeJsonRpc(parsed.error));

    if (parsed.kind === 'single' && isRequest(parsed.message) && parsed.message.method === 'initialize') {
      this.options.onMethod?.('initialize');
      const outcome = this.options.methods.initialize(parsed.message);
      if (!outcome.ok) return this.sendJson(res, 200, outcome.responseJson);
      return this.sendJson(res, 200, outcome.responseJson, { 'mcp-session-id': this.options.sessionIds.issue() });
    }

    const requestId = parsed.kind === 'single' && isRequest(parsed.message) ? parsed.message.id : null;
    try {
      this.requireSession(req);
    } catch (error) {
      return this.fail(res, error, requestId);
    }

    const messages = parsed.kind === 'single' ? [parsed.message] : parsed.messages;
    const responses: ResponseChunks[] = [];
    for (const message of messages) {
      const response = this.answer(message);
      if (response !== undefined) responses.push(response);
    }
    if (responses.length === 0) {
      // Notifications and responses from the client: accepted, nothing to answer (spec
      // 2025-11-25 "Sending Messages to the Server": 202 Accepted with no body).
      res.writeHead(202).end();
      return;
    }
    if (parsed.kind === 'single') return this.sendChunks(res, responses[0] ?? []);
    const batch: Array<string | Buffer> = ['['];
    responses.forEach((chunks, index) => batch.push(...(index === 0 ? [] : [',']), ...chunks));
    batch.push(']');
    return this.sendChunks(res, batch);
  }

  /** The serialized response for one message, or undefined when none is due. */
  private answer(message: JsonRpcMessage): ResponseChunks | undefined {
    if (!isRequest(message)) return undefined;
    this.options.onMethod?.(message.method);
    return this.options.methods.respond(message);
  }

  private get(req: IncomingMessage, res: ServerResponse): void {
    const sessionId = this.requireSession(req);
    this.options.streams.open(sessionId, res);
  }

  private delete(req: IncomingMessage, res: ServerResponse): void {
    const sessionId = this.requireSession(req);
    const closed = this.options.streams.closeSession(sessionId);
    this.options.logger.debug({ closedStreams: closed }, 'session deleted');
    res.writeHead(200).end();
  }

  /** The verified session id; throws the typed session error otherwise. */
  private requireSession(req: IncomingMessage): string {
    const header = req.headers[SESSION_HEADER];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId === undefined || sessionId === '') {
      throw new GatewayError('SESSION_REQUIRED', 'Mcp-Session-Id header is required');
    }
    if (!this.options.sessionIds.verify(sessionId)) {
      throw new GatewayError('SESSION_NOT_FOUND', 'Session not found');
    }
    return sessionId;
  }

  private fail(res: ServerResponse, error: unknown, id: JsonRpcId | null = null): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof GatewayError) {
      this.sendJson(res, error.httpStatus, serializeJsonRpc(error.toResponse(id)));
      return;
    }
    this.options.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'unexpected error on /mcp');
    this.sendJson(res, 500, serializeJsonRpc(errorResponse(id, JsonRpcErrorCode.InternalError, 'Internal error')));
  }

  /** 200 with a JSON body written piece by piece (no concatenation of large pages). */
  private sendChunks(res: ServerResponse, chunks: ResponseChunks): void {
    let length = 0;
    for (const chunk of chunks) length += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
    res.cork();
    for (const chunk of chunks) res.write(chunk);
    res.end();
    res.uncork();
  }

  private sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }
}
