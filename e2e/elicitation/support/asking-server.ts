// An upstream that asks its client things, for the elicitation suites: every
// server-to-client request of the session era (elicitation/create in form and url mode,
// sampling/createMessage, roots/list, ping), sent either on the call's own SSE stream
// (`via: 'call'`, related to the call: MCP SDK v2 `ctx.mcpReq.send`) or on the session's
// standalone GET stream (`via: 'listen'`, unrelated: the SDK's `server.request`, which is
// what `elicitInput()` / `requestSampling()` do). Built on the same host as every other
// fixture (../../servers/streamable-http-host.ts), so it sees what a real upstream sees.
//
// The handle records what the gateway delivered to it: the JSON-RPC messages POSTed (the
// client's answers with the ids the upstream gave its requests, notifications), the
// capabilities each session was initialized with, and the requests that were cancelled.
import { McpServer, UrlElicitationRequiredError, type CallToolResult, type ServerContext } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { startStreamableHttpHost, type ObservedClientMessage } from '../../servers/streamable-http-host';

export interface AskingServerOptions {
  /** serverInfo.name (default `asker`). */
  name?: string;
  port?: number;
}

export interface ObservedMessage {
  readonly sessionId: string | undefined;
  readonly message: ObservedClientMessage;
}

/** What `ask_client` returns in structuredContent. */
export interface AskOutcome {
  /** The client's result, when it answered. */
  result?: unknown;
  /** The error the request ended with (the client's JSON-RPC error, a timeout, a cancel). */
  error?: { code?: number; message: string };
}

export interface AskingServer {
  readonly url: string;
  readonly port: number;
  /** Every JSON-RPC message POSTed to it, oldest first. */
  received(): ObservedMessage[];
  /** Client answers (JSON-RPC responses) it received: their ids are this server's own ids. */
  answers(): ObservedMessage[];
  /** The `capabilities` of every `initialize` it was sent, oldest first. */
  initializeCapabilities(): Record<string, unknown>[];
  /** `notifications/roots/list_changed` received, per upstream session id. */
  rootsListChanged(): Map<string, number>;
  /** Sessions currently holding a GET stream. */
  openGetStreams(): string[];
  sessionIds(): string[];
  close(): Promise<void>;
}

const VIA = z.enum(['call', 'listen']);
const METHOD = z.enum(['elicitation/create', 'sampling/createMessage', 'roots/list', 'ping']);

function structured(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

function errorOf(error: unknown): { code?: number; message: string } {
  const code = (error as { code?: unknown }).code;
  return { ...(typeof code === 'number' ? { code } : {}), message: error instanceof Error ? error.message : String(error) };
}

function createAskingMcpServer(name: string): McpServer {
  const server = new McpServer({ name, version: '1.0.0' }, { capabilities: { logging: {} } });

  /** Sends one request to the client on the chosen stream and waits for the answer. */
  const ask = (
    ctx: ServerContext,
    via: 'call' | 'listen',
    request: { method: z.infer<typeof METHOD>; params?: Record<string, unknown> },
    options: { signal?: AbortSignal; timeout?: number },
  ): Promise<unknown> => {
    // Both forms validate the result with the spec schema of the method.
    const message: { method: z.infer<typeof METHOD>; params?: Record<string, unknown> } = {
      method: request.method,
      ...(request.params ? { params: request.params } : {}),
    };
    return via === 'call' ? ctx.mcpReq.send(message, options) : server.server.request(message, options);
  };

  server.registerTool(
    'ask_client',
    {
      description:
        'Sends one server-to-client request (elicitation/create, sampling/createMessage, roots/list or ping) on the ' +
        "call's stream (via=call) or the session's GET stream (via=listen) and returns the client's answer. " +
        'cancellable=true ties the request to the call, so cancelling the call cancels the request.',
      inputSchema: z.object({
        method: METHOD,
        params: z.record(z.string(), z.unknown()).optional(),
        via: VIA.default('call'),
        cancellable: z.boolean().default(false),
        timeoutMs: z.number().int().min(1).max(3_600_000).default(600_000),
      }),
    },
    async ({ method, params, via, cancellable, timeoutMs }, ctx) => {
      try {
        const result = await ask(ctx, via, { method, ...(params ? { params } : {}) }, { timeout: timeoutMs, ...(cancellable ? { signal: ctx.mcpReq.signal } : {}) });
        return structured({ result });
      } catch (error) {
        return structured({ error: errorOf(error) });
      }
    },
  );

  server.registerTool(
    'ask_twice',
    {
      description: 'Two form elicitations in one call, on the chosen stream; returns both answers',
      inputSchema: z.object({ via: VIA.default('call') }),
    },
    async ({ via }, ctx) => {
      const form = (message: string) => ({
        method: 'elicitation/create' as const,
        params: { mode: 'form', message, requestedSchema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } },
      });
      const first = await ask(ctx, via, form('First question?'), {});
      const second = await ask(ctx, via, form('Second question?'), {});
      return structured({ first, second });
    },
  );

  server.registerTool(
    'open_url',
    {
      description:
        'A url-mode elicitation; when the client accepts, the server sends notifications/elicitation/complete for it ' +
        '(on the same kind of stream) before answering',
      inputSchema: z.object({ url: z.string(), elicitationId: z.string(), via: VIA.default('call') }),
    },
    async ({ url, elicitationId, via }, ctx) => {
      const result = (await ask(ctx, via, { method: 'elicitation/create', params: { mode: 'url', url, elicitationId, message: 'Open this page to sign in' } }, {})) as { action: string };
      if (result.action === 'accept') {
        const complete = { method: 'notifications/elicitation/complete' as const, params: { elicitationId } };
        if (via === 'call') await ctx.mcpReq.notify(complete);
        else await server.server.notification(complete);
      }
      return structured({ action: result.action });
    },
  );

  server.registerTool(
    'require_url',
    {
      description: 'Fails with the URL-elicitation-required error (-32042) naming one url elicitation',
      inputSchema: z.object({ url: z.string(), elicitationId: z.string() }),
    },
    ({ url, elicitationId }) => {
      throw new UrlElicitationRequiredError([{ mode: 'url', url, elicitationId, message: 'Authorize the gateway demo' }]);
    },
  );

  server.registerTool(
    'progress_then_ask',
    {
      description: "Sends two notifications/progress with the call's own progress token, then a form elicitation on the call's stream",
      inputSchema: z.object({}),
    },
    async (_args, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      if (progressToken !== undefined) {
        for (const progress of [1, 2]) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 3 } });
      }
      const answer = await ask(ctx, 'call', { method: 'elicitation/create', params: { mode: 'form', message: 'Continue?', requestedSchema: { type: 'object', properties: {} } } }, {});
      if (progressToken !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: 3, total: 3 } });
      return structured({ answer });
    },
  );

  return server;
}

export async function startAskingServer(options: AskingServerOptions = {}): Promise<AskingServer> {
  const name = options.name ?? 'asker';
  const received: ObservedMessage[] = [];
  const host = await startStreamableHttpHost({
    name,
    ...(options.port !== undefined ? { port: options.port } : {}),
    createSession: () => createAskingMcpServer(name),
    observeClientMessage: (message, sessionId) => {
      received.push({ sessionId, message });
    },
  });
  return {
    url: host.url,
    port: host.port,
    received: () => [...received],
    answers: () => received.filter((entry) => !('method' in entry.message) && 'id' in entry.message),
    initializeCapabilities: () =>
      received
        .filter((entry) => entry.message['method'] === 'initialize')
        .map((entry) => ((entry.message['params'] as { capabilities?: Record<string, unknown> } | undefined)?.capabilities ?? {})),
    rootsListChanged: () => {
      const counts = new Map<string, number>();
      for (const entry of received) {
        if (entry.message['method'] === 'notifications/roots/list_changed' && entry.sessionId !== undefined) {
          counts.set(entry.sessionId, (counts.get(entry.sessionId) ?? 0) + 1);
        }
      }
      return counts;
    },
    openGetStreams: () => host.openGetStreams(),
    sessionIds: () => host.sessionIds(),
    close: () => host.close(),
  };
}
