// A small upstream MCP server for the broker's specs: the real SDK v2 `Server` behind the
// real Node streamable HTTP transport, one server instance per session, on 127.0.0.1.
// Its lists can be paginated, changed at run time (with list_changed to every session),
// and the whole server can be killed and brought back on the same port. Test-only.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { Server } from '@modelcontextprotocol/server';

export interface SpecUpstreamDefinition {
  tools?: string[];
  prompts?: string[];
  /** Resource URIs. */
  resources?: string[];
  resourceTemplates?: string[];
  /** Items per list page; unset = everything on one page. */
  pageSize?: number;
  /** Requests without exactly these headers are answered 401. */
  requiredHeaders?: Record<string, string>;
}

interface Session {
  readonly server: Server;
  readonly transport: NodeStreamableHTTPServerTransport;
}

export class SpecUpstreamServer {
  private http: HttpServer | undefined;
  private readonly sessions = new Map<string, Session>();
  /** How many times each list method was answered. */
  readonly listCalls: Record<string, number> = {};
  /** Headers of every request received (lower-case names). */
  readonly receivedHeaders: Array<Record<string, string | string[] | undefined>> = [];
  private definition: Required<Omit<SpecUpstreamDefinition, 'pageSize' | 'requiredHeaders'>> & SpecUpstreamDefinition;

  private constructor(
    readonly name: string,
    definition: SpecUpstreamDefinition,
    private port: number,
  ) {
    this.definition = { tools: [], prompts: [], resources: [], resourceTemplates: [], ...definition };
  }

  static async start(name: string, definition: SpecUpstreamDefinition, port = 0): Promise<SpecUpstreamServer> {
    const upstream = new SpecUpstreamServer(name, definition, port);
    await upstream.listen();
    return upstream;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Replaces the tool list and tells every connected session (notifications/tools/list_changed). */
  async setTools(tools: string[]): Promise<void> {
    this.definition = { ...this.definition, tools };
    await Promise.all([...this.sessions.values()].map((session) => session.server.sendToolListChanged().catch(() => undefined)));
  }

  /** Kills the server: every connection cut, every session forgotten. */
  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((session) => session.transport.close().catch(() => undefined)));
    if (!http) return;
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  }

  /** Brings a stopped server back on the same port (with no sessions, like a restart). */
  async restart(): Promise<void> {
    if (this.http) return;
    await this.listen();
  }

  private async listen(): Promise<void> {
    const http = createServer((req, res) => {
      void this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = http.address();
    if (typeof address === 'object' && address !== null) this.port = address.port;
    this.http = http;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.receivedHeaders.push({ ...req.headers });
    for (const [name, value] of Object.entries(this.definition.requiredHeaders ?? {})) {
      if (req.headers[name.toLowerCase()] !== value) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId);
      if (!session) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}');
        return;
      }
      await session.transport.handleRequest(req, res);
      return;
    }
    const server = this.createMcpServer();
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { server, transport });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  private createMcpServer(): Server {
    const server = new Server(
      { name: this.name, version: '1.0.0' },
      {
        capabilities: {
          tools: { listChanged: true },
          prompts: { listChanged: true },
          resources: { listChanged: true },
        },
      },
    );
    const page = <T>(items: T[], cursor: unknown) => {
      const size = this.definition.pageSize ?? Number.MAX_SAFE_INTEGER;
      const offset = typeof cursor === 'string' ? Number(cursor) : 0;
      const next = offset + size < items.length ? { nextCursor: String(offset + size) } : {};
      return { items: items.slice(offset, offset + size), next };
    };
    server.setRequestHandler('tools/list', (request) => {
      this.listCalls['tools/list'] = (this.listCalls['tools/list'] ?? 0) + 1;
      const { items, next } = page(this.definition.tools, request.params?.cursor);
      return {
        tools: items.map((name) => ({ name, description: `${name} from ${this.name}`, inputSchema: { type: 'object' as const } })),
        ...next,
      };
    });
    server.setRequestHandler('tools/call', (request) => ({
      content: [{ type: 'text' as const, text: `${this.name}:${request.params.name}` }],
    }));
    server.setRequestHandler('prompts/list', (request) => {
      const { items, next } = page(this.definition.prompts, request.params?.cursor);
      return { prompts: items.map((name) => ({ name, description: `${name} from ${this.name}` })), ...next };
    });
    server.setRequestHandler('resources/list', (request) => {
      const { items, next } = page(this.definition.resources, request.params?.cursor);
      return { resources: items.map((uri) => ({ uri, name: uri })), ...next };
    });
    server.setRequestHandler('resources/templates/list', (request) => {
      const { items, next } = page(this.definition.resourceTemplates, request.params?.cursor);
      return { resourceTemplates: items.map((uriTemplate) => ({ uriTemplate, name: uriTemplate })), ...next };
    });
    return server;
  }
}
