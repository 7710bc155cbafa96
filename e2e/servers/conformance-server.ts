// The fixture the official MCP conformance suite (@modelcontextprotocol/conformance 0.1.13,
// `conformance server --url …`) runs against: it implements, under the fixed names the
// suite's server scenarios call, the tools, prompts and resources those scenarios describe,
// so the suite can be run once against this server directly and once through the gateway
// and the two results compared. Written from the scenario descriptions and the MCP spec
// (2025-11-25); no code from the suite's own example server.
//
// Session era, stateful Streamable HTTP, resumable SSE streams (event store + retry hint),
// Host/Origin validation against loopback names (scenario dns-rebinding-protection).
import { McpServer, ResourceTemplate, completable, fromJsonSchema } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { RED_PIXEL_PNG_BASE64, SILENT_WAV_BASE64 } from './sample-media';
import { isMainModule, runServerCli } from './server-cli';
import { startStreamableHttpHost, type StreamableHttpHost } from './streamable-http-host';

export const CONFORMANCE_SERVER_NAME = 'conformance-server';

/** How long the client is told to wait before reconnecting a closed SSE stream (SEP-1699). */
const SSE_RETRY_MS = 500;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function registerContentTools(server: McpServer): void {
  server.registerTool('test_simple_text', { description: 'Returns one text block' }, () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));

  server.registerTool('test_image_content', { description: 'Returns a 1x1 red PNG as image content' }, () => ({
    content: [{ type: 'image', data: RED_PIXEL_PNG_BASE64, mimeType: 'image/png' }],
  }));

  server.registerTool('test_audio_content', { description: 'Returns a short silent WAV as audio content' }, () => ({
    content: [{ type: 'audio', data: SILENT_WAV_BASE64, mimeType: 'audio/wav' }],
  }));

  server.registerTool('test_embedded_resource', { description: 'Returns an embedded text resource' }, () => ({
    content: [
      {
        type: 'resource',
        resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
      },
    ],
  }));

  server.registerTool('test_multiple_content_types', { description: 'Returns text, image and resource content' }, () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: RED_PIXEL_PNG_BASE64, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: {
          uri: 'test://mixed-content-resource',
          mimeType: 'application/json',
          text: JSON.stringify({ test: 'data', value: 123 }),
        },
      },
    ],
  }));

  server.registerTool('test_error_handling', { description: 'Always fails with a tool error' }, () => ({
    content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
    isError: true,
  }));

  // SEP-1613: the listing must keep JSON Schema 2020-12 keywords ($schema, $defs,
  // additionalProperties) exactly as the server declared them.
  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'Tool with JSON Schema 2020-12 features',
      inputSchema: fromJsonSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        $defs: {
          address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } },
        },
        properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
        additionalProperties: false,
      }),
    },
    (args) => ({ content: [{ type: 'text', text: `Received ${JSON.stringify(args)}` }] }),
  );
}

function registerStreamingTools(server: McpServer): void {
  server.registerTool('test_tool_with_logging', { description: 'Sends three info log messages while it runs' }, async (ctx) => {
    await ctx.mcpReq.log('info', 'Tool execution started');
    await pause(50);
    await ctx.mcpReq.log('info', 'Tool processing data');
    await pause(50);
    await ctx.mcpReq.log('info', 'Tool execution completed');
    return { content: [{ type: 'text', text: 'Tool with logging executed' }] };
  });

  server.registerTool(
    'test_tool_with_progress',
    { description: 'Reports progress 0, 50 and 100 of 100 when the request has a progressToken' },
    async (ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (const progress of [0, 50, 100]) {
        if (progress > 0) await pause(50);
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
        }
      }
      return { content: [{ type: 'text', text: 'Tool with progress executed' }] };
    },
  );

  // SEP-1699: the server may close a request's SSE stream before answering; the client
  // reconnects with Last-Event-ID and the answer is replayed from the event store.
  server.registerTool(
    'test_reconnection',
    { description: 'Closes its SSE stream mid-call, then answers on the resumed stream' },
    async (ctx) => {
      await pause(100);
      ctx.http?.closeSSE?.();
      await pause(SSE_RETRY_MS);
      return { content: [{ type: 'text', text: 'Reconnection test completed' }] };
    },
  );
}

function registerClientRequestTools(server: McpServer): void {
  server.registerTool(
    'test_sampling',
    {
      description: "Asks the client's model to answer a prompt (sampling/createMessage)",
      inputSchema: z.object({ prompt: z.string().describe('The prompt to send to the LLM') }),
    },
    async ({ prompt }, ctx) => {
      const result = await ctx.mcpReq.requestSampling({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: 100,
      });
      const content = Array.isArray(result.content) ? result.content[0] : result.content;
      const answer = content?.type === 'text' ? content.text : JSON.stringify(content);
      return { content: [{ type: 'text', text: `LLM response: ${answer}` }] };
    },
  );

  server.registerTool(
    'test_elicitation',
    {
      description: 'Asks the user for a username and an email address (elicitation/create)',
      inputSchema: z.object({ message: z.string().describe('The message to show the user') }),
    },
    async ({ message }, ctx) => {
      const result = await ctx.mcpReq.elicitInput({
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
      });
      return { content: [{ type: 'text', text: `User response: ${describeElicitation(result)}` }] };
    },
  );

  // SEP-1034: every primitive field carries a default.
  server.registerTool(
    'test_elicitation_sep1034_defaults',
    { description: 'Elicits a form whose string, integer, number, enum and boolean fields all have defaults' },
    async (ctx) => {
      const result = await ctx.mcpReq.elicitInput({
        message: 'Please review your profile (every field has a default)',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'User name', default: 'John Doe' },
            age: { type: 'integer', description: 'User age', default: 30 },
            score: { type: 'number', description: 'User score', default: 95.5 },
            status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
            verified: { type: 'boolean', description: 'Verification status', default: true },
          },
        },
      });
      return { content: [{ type: 'text', text: `Elicitation completed: ${describeElicitation(result)}` }] };
    },
  );

  // SEP-1330: the five enum shapes a form may use.
  server.registerTool(
    'test_elicitation_sep1330_enums',
    { description: 'Elicits a form using every enum schema variant (titled/untitled, single/multi, legacy enumNames)' },
    async (ctx) => {
      const result = await ctx.mcpReq.elicitInput({
        message: 'Please choose options',
        requestedSchema: {
          type: 'object',
          properties: {
            untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
            titledSingle: {
              type: 'string',
              oneOf: [
                { const: 'value1', title: 'First Option' },
                { const: 'value2', title: 'Second Option' },
                { const: 'value3', title: 'Third Option' },
              ],
            },
            legacyEnum: {
              type: 'string',
              enum: ['opt1', 'opt2', 'opt3'],
              enumNames: ['Option One', 'Option Two', 'Option Three'],
            },
            untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
            titledMulti: {
              type: 'array',
              items: {
                anyOf: [
                  { const: 'value1', title: 'First Choice' },
                  { const: 'value2', title: 'Second Choice' },
                  { const: 'value3', title: 'Third Choice' },
                ],
              },
            },
          },
        },
      });
      return { content: [{ type: 'text', text: `Elicitation completed: ${describeElicitation(result)}` }] };
    },
  );
}

function describeElicitation(result: { action: string; content?: Record<string, unknown> }): string {
  return `action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
}

function registerResources(server: McpServer, subscriptions: Set<string>): void {
  server.registerResource(
    'static-text',
    'test://static-text',
    { description: 'A static text resource', mimeType: 'text/plain' },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
    }),
  );

  server.registerResource(
    'static-binary',
    'test://static-binary',
    { description: 'A static binary resource (1x1 PNG)', mimeType: 'image/png' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: RED_PIXEL_PNG_BASE64 }] }),
  );

  server.registerResource(
    'watched-resource',
    'test://watched-resource',
    { description: 'A resource clients may subscribe to', mimeType: 'text/plain' },
    (uri) => ({
      contents: [
        { uri: uri.href, mimeType: 'text/plain', text: `watched resource (${subscriptions.has(uri.href) ? '' : 'not '}subscribed)` },
      ],
    }),
  );

  server.registerResource(
    'template-data',
    new ResourceTemplate('test://template/{id}/data', { list: undefined }),
    { description: 'Data for an id, substituted into the URI', mimeType: 'application/json' },
    (uri, variables) => {
      const id = String(variables['id']);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'application/json',
            text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
          },
        ],
      };
    },
  );

  // Spec "Resources" → "Subscriptions": subscribe/unsubscribe answer {} and the server
  // remembers which URIs this session watches.
  server.server.registerCapabilities({ resources: { subscribe: true } });
  server.server.setRequestHandler('resources/subscribe', (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });
}

function registerPrompts(server: McpServer): void {
  server.registerPrompt('test_simple_prompt', { description: 'A prompt without arguments' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }));

  server.registerPrompt(
    'test_prompt_with_arguments',
    {
      description: 'A prompt with two required arguments',
      argsSchema: z.object({
        arg1: completable(z.string().describe('First test argument'), (value) =>
          ['paris', 'park', 'party', 'test'].filter((candidate) => candidate.startsWith(value)),
        ),
        arg2: z.string().describe('Second test argument'),
      }),
    },
    ({ arg1, arg2 }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }],
    }),
  );

  server.registerPrompt(
    'test_prompt_with_embedded_resource',
    {
      description: 'A prompt that embeds a resource',
      argsSchema: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
    },
    ({ resourceUri }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'resource',
            resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' },
          },
        },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  );

  server.registerPrompt('test_prompt_with_image', { description: 'A prompt with image content' }, () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: RED_PIXEL_PNG_BASE64, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }));
}

export function createConformanceMcpServer(): McpServer {
  const server = new McpServer(
    { name: CONFORMANCE_SERVER_NAME, version: '1.0.0' },
    { capabilities: { logging: {}, completions: {} } },
  );
  registerContentTools(server);
  registerStreamingTools(server);
  registerClientRequestTools(server);
  registerResources(server, new Set<string>());
  registerPrompts(server);
  return server;
}

export async function startConformanceServer(options: { port?: number } = {}): Promise<StreamableHttpHost> {
  return startStreamableHttpHost({
    name: CONFORMANCE_SERVER_NAME,
    port: options.port,
    createSession: createConformanceMcpServer,
    resumable: { retryIntervalMs: SSE_RETRY_MS },
  });
}


if (isMainModule(import.meta.url)) await runServerCli(CONFORMANCE_SERVER_NAME, startConformanceServer);
