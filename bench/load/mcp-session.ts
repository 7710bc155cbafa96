// One MCP client session of the load generator: initialized once, then used for back-to-back
// operations on its own keep-alive connection. A broken connection is replaced (the MCP
// session is not tied to a TCP connection, MCP 2025-11-25 basic/transports), and every
// failure is returned as a value so the run can count it and go on.
import { HttpConnection } from './http-connection';
import type { HttpResponse } from './http-response-parser';
import { McpRequestBuilder } from './mcp-request-builder';
import type { McpEndpoint, McpOperation } from './mcp-request-builder';

export type OperationOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export class SessionOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionOpenError';
  }
}

const CONNECT_TIMEOUT_MS = 5_000;
/** A `tools/list` walk follows at most this many pages. */
const MAX_LIST_PAGES = 100;

export interface McpSessionOptions {
  readonly endpoint: McpEndpoint;
  readonly builder: McpRequestBuilder;
  /** Shared by the run so a watchdog can expire stuck requests. */
  readonly connections: Set<HttpConnection>;
  readonly clientName: string;
}

export class McpSession {
  private connection: HttpConnection | undefined;
  private nextId = 2;
  private argumentsJson = '{}';
  private argumentsFor: McpOperation | undefined;

  private constructor(
    private readonly options: McpSessionOptions,
    readonly sessionId: string,
    connection: HttpConnection,
  ) {
    this.connection = connection;
  }

  /** Connects, then `initialize` and `notifications/initialized`; throws SessionOpenError. */
  static async open(options: McpSessionOptions): Promise<McpSession> {
    let connection: HttpConnection;
    try {
      connection = await HttpConnection.open(options.endpoint, CONNECT_TIMEOUT_MS);
    } catch (error) {
      throw new SessionOpenError((error as Error).message);
    }
    options.connections.add(connection);
    try {
      const sessionId = await initializeOn(connection, options.builder, options.clientName);
      return new McpSession(options, sessionId, connection);
    } catch (error) {
      options.connections.delete(connection);
      connection.close();
      throw error;
    }
  }

  /** Runs one operation to completion (a whole-catalog `tools/list` follows `nextCursor`). */
  async perform(operation: McpOperation): Promise<OperationOutcome> {
    if (this.argumentsFor !== operation) {
      this.argumentsFor = operation;
      this.argumentsJson = operation.method === 'tools/call' ? JSON.stringify(operation.arguments) : '{}';
    }
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      let response: HttpResponse;
      try {
        response = await this.sendRaw(this.options.builder.operation(this.sessionId, this.nextId++, operation, this.argumentsJson, cursor));
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
      if (response.status !== 200) return { ok: false, reason: `HTTP ${response.status}: ${snippet(response.body)}` };
      if (!hasResult(response)) return { ok: false, reason: `JSON-RPC error: ${snippet(response.body)}` };
      if (operation.method !== 'tools/list' || !operation.allPages) return { ok: true };
      cursor = nextCursorOf(response.body);
      if (cursor === undefined) return { ok: true };
    }
    return { ok: false, reason: `tools/list did not end within ${MAX_LIST_PAGES} pages` };
  }

  /** Sends DELETE for the session and closes the connection; never throws. */
  async close(): Promise<void> {
    try {
      await this.sendRaw(this.options.builder.deleteSession(this.sessionId));
    } catch {
      // The session may already be gone with its server; nothing to do.
    }
    this.dropConnection();
  }

  /** Closes the connection without ending the session (idle-session scenario). */
  disconnect(): void {
    this.dropConnection();
  }

  private async sendRaw(request: string): Promise<HttpResponse> {
    let connection = this.connection;
    if (connection === undefined || !connection.usable) {
      this.dropConnection();
      connection = await HttpConnection.open(this.options.endpoint, CONNECT_TIMEOUT_MS);
      this.options.connections.add(connection);
      this.connection = connection;
    }
    return connection.send(request, performance.now());
  }

  private dropConnection(): void {
    if (this.connection) {
      this.options.connections.delete(this.connection);
      this.connection.close();
      this.connection = undefined;
    }
  }
}

/** Opens one MCP session over an existing connection: `initialize` (which must answer with an
 * `Mcp-Session-Id`), then `notifications/initialized`. Returns the session id. */
export async function initializeOn(connection: HttpConnection, builder: McpRequestBuilder, clientName: string): Promise<string> {
  let sessionId: string | undefined;
  try {
    const init = await connection.send(builder.initialize(1, clientName), performance.now());
    sessionId = init.headers['mcp-session-id'];
    if (init.status !== 200 || sessionId === undefined || !hasResult(init)) {
      throw new SessionOpenError(`initialize answered HTTP ${init.status}: ${snippet(init.body)}`);
    }
    const initialized = await connection.send(builder.initialized(sessionId), performance.now());
    if (initialized.status < 200 || initialized.status > 299) {
      throw new SessionOpenError(`notifications/initialized answered HTTP ${initialized.status}: ${snippet(initialized.body)}`);
    }
    return sessionId;
  } catch (error) {
    if (error instanceof SessionOpenError) throw error;
    throw new SessionOpenError((error as Error).message);
  }
}

/** A JSON-RPC success answer, as a JSON body or inside an SSE `data:` line. Bytes only: the
 * load generator must not pay for JSON.parse on the hot path. */
function hasResult(response: HttpResponse): boolean {
  return response.body.includes('"result"') && !response.body.includes('"error":{');
}

function nextCursorOf(body: Buffer): string | undefined {
  const at = body.lastIndexOf('"nextCursor"');
  if (at < 0) return undefined;
  const match = /^"nextCursor"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(body.toString('utf8', at, Math.min(body.length, at + 4096)));
  return match?.[1] === undefined ? undefined : (JSON.parse(match[1]) as string);
}

function snippet(body: Buffer): string {
  return body.toString('utf8', 0, Math.min(body.length, 200)).replace(/\s+/g, ' ');
}
