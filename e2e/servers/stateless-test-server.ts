// A stateless-era MCP server (protocol 2026-07-28 only) built with the MCP SDK v2:
// `createMcpHandler(factory, { legacy: 'reject' })` served over node:http on 127.0.0.1, so
// every request is answered by a fresh server instance from the per-request `_meta` alone —
// no `initialize`, no Mcp-Session-Id, `server/discover`, input-required results instead of
// server-to-client requests, caching hints on the cacheable results, `subscriptions/listen`
// for list changes. A 2025-era client is refused (-32022): it is the upstream the gateway's
// stateless-era suites drive.
//
// | Tool / prompt / resource | What it does |
// | `echo { text }` | returns the text |
// | `add { a, b }` | returns a + b, also as structured content |
// | `ask_name` | input-required: one form elicitation (`name`), then "Hello, <name>!" |
// | `ask_name_and_colour` | two rounds: the name, then (requestState carries it) a colour |
// | `ask_model { prompt }` | input-required sampling; returns the model's text |
// | `list_my_roots` | input-required roots/list; returns the root URIs |
// | `count { count, delayMs }` | a `notifications/progress` per step when asked, then "counted N" |
// | `echo_headers` | the HTTP headers of the call (Mcp-Name, Mcp-Param-* …) |
// | prompt `greeting { name }` | a user message greeting the name |
// | prompt `personal_greeting` | input-required: elicits the name first |
// | resource `stateless://static` | a text resource; template `stateless://items/{id}` |
// Served by stateless-http-host.ts (loopback only, closed by close()).
import { McpServer, ResourceTemplate, acceptedContent, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import type { CacheHint } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { isMainModule, runServerCli, type ListeningServer } from './server-cli';
import { startStatelessHttpHost, type ReceivedStatelessRequest } from './stateless-http-host';

export type { ReceivedStatelessRequest };

export const STATELESS_TEST_SERVER_NAME = 'stateless-test-server';

type CacheableOperation = 'server/discover' | 'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list' | 'resources/read';

export interface StatelessTestServerOptions {
  port?: number;
  /** serverInfo.name; lets one test run several distinguishable servers. */
  name?: string;
  /** Caching hints the server puts on its cacheable results (default: the SDK's, 0 ms private). */
  cacheHints?: Partial<Record<CacheableOperation, CacheHint>>;
}

export interface StatelessTestServer extends ListeningServer {
  readonly name: string;
  /** Every POST received so far. */
  received(): ReceivedStatelessRequest[];
  /** Adds a tool named `name` and tells open `subscriptions/listen` streams. */
  addTool(name: string): void;
}

function nameSchema(): { type: 'object'; properties: Record<string, { type: 'string'; title: string }>; required: string[] } {
  return { type: 'object', properties: { name: { type: 'string', title: 'Name' } }, required: ['name'] };
}

function colourSchema(): { type: 'object'; properties: Record<string, { type: 'string'; enum: string[] }>; required: string[] } {
  return { type: 'object', properties: { colour: { type: 'string', enum: ['red', 'green', 'blue'] } }, required: ['colour'] };
}

function text(value: string): { content: Array<{ type: 'text'; text: string }> } {
  return { content: [{ type: 'text', text: value }] };
}

export function createStatelessTestMcpServer(name: string, extraTools: readonly string[], options: StatelessTestServerOptions = {}): McpServer {
  const server = new McpServer(
    { name, version: '1.0.0' },
    { capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true } }, ...(options.cacheHints ? { cacheHints: options.cacheHints } : {}) },
  );

  server.registerTool('echo', { description: 'Returns the text', inputSchema: z.object({ text: z.string() }) }, async ({ text: value }) => text(value));

  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), outputSchema: z.object({ sum: z.number() }) },
    async ({ a, b }) => ({ ...text(String(a + b)), structuredContent: { sum: a + b } }),
  );

  server.registerTool('ask_name', { description: 'Asks for a name (input-required), then greets it' }, async (ctx) => {
    const answer = acceptedContent<{ name: string }>(ctx.mcpReq.inputResponses, 'name');
    if (answer?.name === undefined) {
      return inputRequired({ inputRequests: { name: inputRequired.elicit({ message: 'What is your name?', requestedSchema: nameSchema() }) } });
    }
    return text(`Hello, ${answer.name}!`);
  });

  server.registerTool('ask_name_and_colour', { description: 'Two rounds of input: a name, then a colour' }, async (ctx) => {
    const state = ctx.mcpReq.requestState<string>();
    const earlierName = typeof state === 'string' ? Buffer.from(state, 'base64url').toString('utf8') : undefined;
    if (earlierName === undefined) {
      const named = acceptedContent<{ name: string }>(ctx.mcpReq.inputResponses, 'name');
      if (named?.name === undefined) {
        return inputRequired({ inputRequests: { name: inputRequired.elicit({ message: 'What is your name?', requestedSchema: nameSchema() }) } });
      }
      return inputRequired({
        inputRequests: { colour: inputRequired.elicit({ message: `Pick a colour, ${named.name}`, requestedSchema: colourSchema() }) },
        requestState: Buffer.from(named.name, 'utf8').toString('base64url'),
      });
    }
    const colour = acceptedContent<{ colour: string }>(ctx.mcpReq.inputResponses, 'colour');
    if (colour?.colour === undefined) {
      return inputRequired({
        inputRequests: { colour: inputRequired.elicit({ message: `Pick a colour, ${earlierName}`, requestedSchema: colourSchema() }) },
        requestState: state as string,
      });
    }
    return text(`${earlierName} likes ${colour.colour}`);
  });

  server.registerTool('ask_model', { description: 'Asks the client for a model completion', inputSchema: z.object({ prompt: z.string() }) }, async ({ prompt }, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'completion');
    if (answer.kind !== 'sampling') {
      return inputRequired({
        inputRequests: {
          completion: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 50 }),
        },
      });
    }
    const content = answer.result.content;
    return text(`model said: ${!Array.isArray(content) && content.type === 'text' ? content.text : '(not text)'}`);
  });

  server.registerTool('list_my_roots', { description: 'Asks the client for its roots' }, async (ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'roots');
    if (answer.kind !== 'roots') return inputRequired({ inputRequests: { roots: inputRequired.listRoots() } });
    return text(answer.roots.map((root) => root.uri).join(','));
  });

  server.registerTool(
    'count',
    { description: 'Counts to N with a progress notification per step', inputSchema: z.object({ count: z.number().int().min(1).max(20), delayMs: z.number().int().min(0).max(2000).optional() }) },
    async ({ count, delayMs }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let step = 1; step <= count; step++) {
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: step, total: count, message: `step ${step}` } });
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs ?? 10));
      }
      return text(`counted ${count}`);
    },
  );

  server.registerTool('echo_headers', { description: 'Returns the HTTP headers of this call' }, async (ctx) => {
    const headers: Record<string, string> = {};
    ctx.http?.req?.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return text(JSON.stringify(headers));
  });

  for (const extra of extraTools) server.registerTool(extra, { description: `added at run time: ${extra}` }, async () => text(extra));

  server.registerPrompt('greeting', { description: 'Greets someone', argsSchema: z.object({ name: z.string() }) }, ({ name: who }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Please greet ${who} warmly.` } }],
  }));

  server.registerPrompt('personal_greeting', { description: 'Asks for a name (input-required), then greets it' }, (ctx) => {
    const answer = acceptedContent<{ name: string }>(ctx.mcpReq.inputResponses, 'name');
    if (answer?.name === undefined) {
      return inputRequired({ inputRequests: { name: inputRequired.elicit({ message: 'Whom shall I greet?', requestedSchema: nameSchema() }) } });
    }
    return { messages: [{ role: 'user', content: { type: 'text', text: `Please greet ${answer.name} personally.` } }] };
  });

  server.registerResource('static', 'stateless://static', { description: 'A static text resource', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: `static resource of ${name}` }],
  }));

  server.registerResource(
    'item',
    new ResourceTemplate('stateless://items/{id}', { list: undefined }),
    { description: 'One item by id', mimeType: 'text/plain' },
    async (uri, variables) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `item ${String(variables['id'])}` }] }),
  );
  return server;
}

export async function startStatelessTestServer(options: StatelessTestServerOptions = {}): Promise<StatelessTestServer> {
  const name = options.name ?? STATELESS_TEST_SERVER_NAME;
  const extraTools: string[] = [];
  const host = await startStatelessHttpHost({ port: options.port, createServer: () => createStatelessTestMcpServer(name, extraTools, options) });
  return {
    name,
    port: host.port,
    url: host.url,
    received: () => host.received(),
    addTool: (tool) => {
      extraTools.push(tool);
      host.notify.toolsChanged();
    },
    close: () => host.close(),
  };
}

if (isMainModule(import.meta.url)) {
  void runServerCli(STATELESS_TEST_SERVER_NAME, ({ port }) => startStatelessTestServer({ port }));
}
