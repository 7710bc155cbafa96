// The reference server (@modelcontextprotocol/server-everything, SDK 1.x: written
// independently of our SDK v2 fixtures) behind the gateway with a prefix: listing, calls,
// a prompt, static and templated resources, and progress from a long-running tool.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startEverythingServer, type EverythingServer } from '../servers/everything';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

let everything: EverythingServer;
let gateway: GatewayProcesses;
let connected: ConnectedClient;

beforeAll(async () => {
  everything = await startEverythingServer();
  gateway = await startGatewayProcesses({ config: { servers: [{ name: 'everything', url: everything.url, prefix: 'ev_' }] } });
  await gateway.waitForUpstreamsReady(['everything']);
  connected = await connectClient(gateway.url);
}, 60_000);

afterAll(async () => {
  await connected?.close();
  await gateway?.stop();
  await everything?.close();
});

function textOf(result: { content?: unknown }): string {
  return ((result.content ?? []) as Array<{ text?: string }>).map((item) => item.text ?? '').join('');
}

describe('server-everything through the gateway', () => {
  it('lists its tools, prompts, resources and templates under the ev_ prefix', async () => {
    const tools = (await connected.client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['ev_echo', 'ev_get-sum', 'ev_get-tiny-image', 'ev_trigger-long-running-operation']));
    expect(tools.every((name) => name.startsWith('ev_'))).toBe(true);
    const prompts = (await connected.client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect(prompts).toEqual(expect.arrayContaining(['ev_simple-prompt', 'ev_args-prompt']));
    const resources = (await connected.client.listResources()).resources.map((resource) => resource.uri);
    expect(resources).toContain('ev_demo://resource/static/document/architecture.md');
    const templates = (await connected.client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate);
    expect(templates).toContain('ev_demo://resource/dynamic/text/{resourceId}');
  });

  it('calls echo and get-sum', async () => {
    expect(textOf(await connected.client.callTool({ name: 'ev_echo', arguments: { message: 'through the gateway' } }))).toContain('through the gateway');
    expect(textOf(await connected.client.callTool({ name: 'ev_get-sum', arguments: { a: 19, b: 23 } }))).toBe('The sum of 19 and 23 is 42.');
  });

  it('returns image content unchanged', async () => {
    const result = await connected.client.callTool({ name: 'ev_get-tiny-image', arguments: {} });
    const image = (result.content as Array<{ type: string; mimeType?: string; data?: string }>).find((item) => item.type === 'image');
    expect(image?.mimeType).toBe('image/png');
    expect(Buffer.from(image?.data ?? '', 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('gets a prompt with arguments', async () => {
    const prompt = await connected.client.getPrompt({ name: 'ev_args-prompt', arguments: { city: 'Porto' } });
    expect(JSON.stringify(prompt.messages)).toContain('Porto');
  });

  it('reads a static resource and a templated one through the prefix', async () => {
    const document = await connected.client.readResource({ uri: 'ev_demo://resource/static/document/architecture.md' });
    expect((document.contents[0] as { text?: string }).text?.length).toBeGreaterThan(0);
    const dynamic = await connected.client.readResource({ uri: 'ev_demo://resource/dynamic/text/7' });
    expect(JSON.stringify(dynamic.contents)).toContain('7');
  });

  it('streams the progress of a long-running operation', async () => {
    const progress: number[] = [];
    const result = await connected.client.callTool(
      { name: 'ev_trigger-long-running-operation', arguments: { duration: 1, steps: 2 } },
      { onprogress: ({ progress: value }) => void progress.push(value) },
    );
    expect(progress).toEqual([1, 2]);
    expect(textOf(result)).toMatch(/completed/i);
  });
});
