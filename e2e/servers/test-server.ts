// The upstream the gateway's own tests drive: every behaviour a test needs to provoke on
// purpose, reachable both as MCP tools (so a test can trigger it through the gateway) and
// as methods on the handle (so a test can trigger it from the side).
//
// - identity: `whoami` returns the session id this server sees and how many sessions it
//   has opened, so a test can tell whether the gateway reused or re-opened a session;
//   `echo_headers` returns the HTTP headers the call arrived with.
// - streaming: `slow_count` sends notifications/progress (when the request carries a
//   progressToken) and a log message mid-call.
// - failures: `forget_my_session` / forgetSession() make the server answer 404 (or 400, see
//   setUnknownSessionStatus) for a session it used to know; setForcedStatus() answers every
//   request with one HTTP status; close() stops listening and startTestServer({ port })
//   listens again on the same port with no sessions.
// - catalog changes: `add_tool` / addTool() registers a tool on every session and sends
//   notifications/tools/list_changed.
// - cancellation: `cancellable_wait` waits until the client cancels it; cancelledRequests()
//   lists every notifications/cancelled the server received.
// - server-to-client requests: `elicit_twice` (two form elicitations in one call),
//   `list_roots` (roots/list), `ask_model` (sampling/createMessage).
import { McpServer, type CallToolResult, type ElicitResult, type ServerContext } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { isMainModule, runServerCli, type ListeningServer } from './server-cli';
import {
  startStreamableHttpHost,
  type ObservedClientMessage,
  type StreamableHttpHost,
  type UnknownSessionStatus,
} from './streamable-http-host';

export const TEST_SERVER_NAME = 'test-server';

export interface TestServerOptions {
  port?: number;
  /** serverInfo.name; lets one test run several distinguishable test servers. */
  name?: string;
  unknownSessionStatus?: UnknownSessionStatus;
  /** Longest `cancellable_wait` waits before giving up and answering "not cancelled". */
  maxWaitMs?: number;
}

export interface CancelledRequest {
  sessionId: string | undefined;
  requestId: string | number;
  reason?: string;
}

export interface ReceivedMessage {
  sessionId: string | undefined;
  message: ObservedClientMessage;
}

export interface TestServer extends ListeningServer {
  readonly name: string;
  sessionIds(): string[];
  sessionsOpened(): number;
  /** Sessions with a GET notification stream open (where list_changed notifications go). */
  openGetStreams(): string[];
  forgetSession(sessionId: string): boolean;
  forgetAllSessions(): number;
  setUnknownSessionStatus(status: UnknownSessionStatus): void;
  setForcedStatus(status: number | undefined): void;
  /** Registers a tool on every open and future session; each open session is sent tools/list_changed. */
  addTool(name: string): void;
  /** Every notifications/cancelled received, oldest first. */
  cancelledRequests(): CancelledRequest[];
  /** The JSON-RPC messages clients POSTed (the latest 10,000), oldest first. */
  receivedMessages(): ReceivedMessage[];
}

export class ToolNameError extends Error {
  constructor(readonly toolName: string) {
    super(`tool name must match [A-Za-z0-9_-]{1,64}, got ${JSON.stringify(toolName)}`);
    this.name = 'ToolNameError';
  }
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_RECORDED_MESSAGES = 10_000;

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

function json(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function registerAddedTool(server: McpServer, name: string): void {
  server.registerTool(name, { description: `A tool added at runtime by add_tool (${name})` }, () =>
    text(`${name} was added at runtime`),
  );
}

interface TestServerState {
  name: string;
  host: () => StreamableHttpHost;
  addedTools: Set<string>;
  addTool: (name: string) => void;
  maxWaitMs: number;
}

function createTestMcpServer(state: TestServerState): McpServer {
  const server = new McpServer({ name: state.name, version: '1.0.0' }, { capabilities: { logging: {} } });

  server.registerTool(
    'whoami',
    {
      description: 'The MCP session id this server sees for the call, and how many sessions it has opened',
      outputSchema: z.object({ sessionId: z.string().nullable(), sessionCount: z.number() }),
      annotations: { readOnlyHint: true },
    },
    (ctx) => json({ sessionId: ctx.sessionId ?? null, sessionCount: state.host().sessionsOpened() }),
  );

  server.registerTool(
    'echo',
    { description: 'Returns its text argument unchanged', inputSchema: z.object({ text: z.string() }) },
    ({ text: value }) => text(value),
  );

  server.registerTool(
    'echo_headers',
    {
      description: 'The HTTP request headers this call arrived with (names lower-cased)',
      outputSchema: z.object({ headers: z.record(z.string(), z.string()) }),
      annotations: { readOnlyHint: true },
    },
    (ctx) => {
      const headers: Record<string, string> = {};
      ctx.http?.req?.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return json({ headers });
    },
  );

  server.registerTool(
    'always_fails',
    { description: 'Always answers with a tool error (isError: true)' },
    () => ({ ...text('always_fails failed, as it always does'), isError: true }),
  );

  server.registerTool(
    'slow_count',
    {
      description:
        'Counts to `count`, waiting `delayMs` between steps; sends notifications/progress per step when the ' +
        'request has a progressToken, and one log message halfway',
      inputSchema: z.object({
        count: z.number().int().min(1).max(100).default(3),
        delayMs: z.number().int().min(0).max(10_000).default(50),
      }),
    },
    async ({ count, delayMs }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let step = 1; step <= count; step += 1) {
        await delay(delayMs, ctx.mcpReq.signal);
        if (ctx.mcpReq.signal.aborted) return text(`cancelled at ${step}`);
        if (progressToken !== undefined) {
          // Spec "Progress": progress increases with each notification; total is known here.
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken, progress: step, total: count, message: `step ${step} of ${count}` },
          });
        }
        if (step === Math.ceil(count / 2)) await ctx.mcpReq.log('info', `slow_count is halfway (${step}/${count})`, 'slow_count');
      }
      return text(`counted to ${count}`);
    },
  );

  server.registerTool(
    'cancellable_wait',
    {
      description: 'Waits until the client cancels the call (notifications/cancelled), or gives up after maxWaitMs',
      inputSchema: z.object({ maxWaitMs: z.number().int().min(0).optional() }),
    },
    async ({ maxWaitMs }, ctx) => {
      await delay(maxWaitMs ?? state.maxWaitMs, ctx.mcpReq.signal);
      // A cancelled request gets no response (spec "Cancellation"); the SDK drops this one.
      return text(ctx.mcpReq.signal.aborted ? 'cancelled' : 'not cancelled');
    },
  );

  server.registerTool(
    'forget_my_session',
    { description: 'Answers, then forgets this session: later requests on it get "session not found"' },
    (ctx) => {
      const forgotten = ctx.sessionId !== undefined && state.host().forgetSession(ctx.sessionId);
      return text(forgotten ? `forgot session ${ctx.sessionId}` : 'no session to forget');
    },
  );

  server.registerTool(
    'add_tool',
    {
      description: 'Registers a new tool on every session of this server and sends notifications/tools/list_changed',
      inputSchema: z.object({ name: z.string().regex(TOOL_NAME) }),
    },
    ({ name }) => {
      if (state.addedTools.has(name)) return text(`${name} already exists`);
      state.addTool(name);
      return text(`added ${name}`);
    },
  );

  server.registerTool(
    'elicit_twice',
    { description: 'Asks the user two questions (two form-mode elicitations in one call) and returns both answers' },
    async (ctx: ServerContext) => {
      const first: ElicitResult = await ctx.mcpReq.elicitInput({
        mode: 'form',
        message: 'What is your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string', title: 'Name' } }, required: ['name'] },
      });
      const second: ElicitResult = await ctx.mcpReq.elicitInput({
        mode: 'form',
        message: 'Pick a colour',
        requestedSchema: {
          type: 'object',
          properties: { colour: { type: 'string', enum: ['red', 'green', 'blue'] } },
          required: ['colour'],
        },
      });
      return json({ first: { ...first }, second: { ...second } });
    },
  );

  server.registerTool(
    'list_roots',
    { description: "Asks the client for its roots (roots/list) and returns them" },
    async (ctx) => {
      const result = await ctx.mcpReq.send({ method: 'roots/list' });
      return json({ roots: result.roots });
    },
  );

  server.registerTool(
    'ask_model',
    {
      description: "Asks the client's model (sampling/createMessage) and returns its answer",
      inputSchema: z.object({ prompt: z.string() }),
    },
    async ({ prompt }, ctx) => {
      const result = await ctx.mcpReq.requestSampling({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: 100,
      });
      const content = Array.isArray(result.content) ? result.content[0] : result.content;
      return text(content?.type === 'text' ? content.text : `(${content?.type ?? 'no'} content)`);
    },
  );

  server.registerPrompt(
    'echo_prompt',
    { description: 'A prompt that repeats its argument', argsSchema: z.object({ text: z.string() }) },
    ({ text: value }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Please repeat: ${value}` } }] }),
  );

  server.registerResource(
    'static',
    'test://static',
    { description: 'A fixed text resource', mimeType: 'text/plain' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `static resource of ${state.name}` }] }),
  );

  for (const name of state.addedTools) registerAddedTool(server, name);
  return server;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const name = options.name ?? TEST_SERVER_NAME;
  const cancelled: CancelledRequest[] = [];
  const received: ReceivedMessage[] = [];
  const hostRef: { current?: StreamableHttpHost } = {};
  const host = (): StreamableHttpHost => {
    if (hostRef.current === undefined) throw new Error(`${name} is not listening yet`);
    return hostRef.current;
  };
  const addedTools = new Set<string>();
  const addTool = (toolName: string): void => {
    if (!TOOL_NAME.test(toolName)) throw new ToolNameError(toolName);
    if (addedTools.has(toolName)) return;
    addedTools.add(toolName);
    // Registering on a connected McpServer sends notifications/tools/list_changed itself.
    for (const server of host().sessionServers()) registerAddedTool(server, toolName);
  };
  const state: TestServerState = { name, host, addedTools, addTool, maxWaitMs: options.maxWaitMs ?? 30_000 };

  const started = await startStreamableHttpHost({
    name,
    port: options.port,
    unknownSessionStatus: options.unknownSessionStatus,
    createSession: () => createTestMcpServer(state),
    observeClientMessage: (message, sessionId) => {
      received.push({ sessionId, message });
      // Bounded, so a long benchmark against this server cannot grow it without limit.
      if (received.length > MAX_RECORDED_MESSAGES) received.shift();
      const params = message['params'];
      if (message['method'] === 'notifications/cancelled' && typeof params === 'object' && params !== null) {
        const { requestId, reason } = params as { requestId?: unknown; reason?: unknown };
        if (typeof requestId === 'string' || typeof requestId === 'number') {
          cancelled.push({ sessionId, requestId, ...(typeof reason === 'string' ? { reason } : {}) });
        }
      }
    },
  });
  hostRef.current = started;

  return {
    name,
    url: started.url,
    port: started.port,
    sessionIds: () => started.sessionIds(),
    sessionsOpened: () => started.sessionsOpened(),
    openGetStreams: () => started.openGetStreams(),
    forgetSession: (sessionId) => started.forgetSession(sessionId),
    forgetAllSessions: () => started.forgetAllSessions(),
    setUnknownSessionStatus: (status) => started.setUnknownSessionStatus(status),
    setForcedStatus: (status) => started.setForcedStatus(status),
    addTool,
    cancelledRequests: () => [...cancelled],
    receivedMessages: () => [...received],
    close: () => started.close(),
  };
}

if (isMainModule(import.meta.url)) await runServerCli(TEST_SERVER_NAME, startTestServer);
