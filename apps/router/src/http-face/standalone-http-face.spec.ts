import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as z from 'zod';
import { ResourceTemplate } from '@modelcontextprotocol/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { startUpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import type { UpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import { startRouterTestRig } from '../test-doubles/router-test-rig';
import type { RouterTestRig } from '../test-doubles/router-test-rig';

function registerWeather(server: McpServer): void {
  server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text: `echo:${text}` }],
  }));
  server.registerPrompt('summary', { argsSchema: z.object({ city: z.string() }) }, ({ city }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `summarise the weather in ${city}` } }],
  }));
  server.registerResource('stations', 'file:///stations.csv', { mimeType: 'text/csv' }, async (uri) => ({
    contents: [{ uri: uri.href, text: 'id,name\n1,Paris' }],
  }));
  server.registerResource('today', new ResourceTemplate('city://{name}/today', { list: undefined }), {}, async (uri, variables) => ({
    contents: [{ uri: uri.href, text: `sunny in ${String(variables['name'])}` }],
  }));
}

function registerFiles(server: McpServer): void {
  server.registerTool('read_file', { inputSchema: z.object({ path: z.string() }) }, async ({ path }) => ({
    content: [{ type: 'text', text: `contents of ${path}` }],
  }));
}

function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((block) => block.text ?? '').join('');
}

describe('standalone HTTP face: routed calls', () => {
  let weather: UpstreamMcpServer;
  let files: UpstreamMcpServer;
  let rig: RouterTestRig;

  beforeAll(async () => {
    weather = await startUpstreamMcpServer('weather', registerWeather);
    files = await startUpstreamMcpServer('files', registerFiles);
    rig = await startRouterTestRig({
      servers: [
        {
          upstream: weather,
          prefix: 'weather_',
          tools: ['echo'],
          prompts: ['summary'],
          resources: ['file:///stations.csv'],
          resourceTemplates: ['city://{name}/today'],
        },
        { upstream: files, prefix: '', tools: ['read_file'] },
      ],
    });
  });

  afterAll(async () => {
    await rig.close();
    await weather.stop();
    await files.stop();
  });

  it('routes a prefixed tool call to its upstream with the prefix stripped', async () => {
    const { client } = await rig.connectClient();
    const result = await client.callTool({ name: 'weather_echo', arguments: { text: 'hi' } });
    expect(textOf(result)).toBe('echo:hi');
    const calls = weather.received.filter((r) => r.jsonRpcMethod === 'tools/call');
    expect(calls.at(-1)?.target).toBe('echo');
  });
});
