// One gateway (broker + router processes) in front of the three demo servers, each with its
// prefix, and the test server without a prefix: what a client lists and calls through the
// one /mcp endpoint, with real SDK v2 clients over real HTTP.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startDemoServers, type DemoServers } from '../servers/demo-servers';
import { forecastFor } from '../servers/weather-server';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

let demo: DemoServers;
let testServer: TestServer;
let gateway: GatewayProcesses;
let connected: ConnectedClient;

beforeAll(async () => {
  demo = await startDemoServers({ basePort: 0 });
  testServer = await startTestServer();
  gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'weather', url: demo.servers.weather.url, prefix: 'weather_' },
        { name: 'notes', url: demo.servers.notes.url, prefix: 'notes_' },
        { name: 'calculator', url: demo.servers.calculator.url, prefix: 'calc_' },
        { name: 'test-server', url: testServer.url },
      ],
    },
  });
  await gateway.waitForUpstreamsReady(['weather', 'notes', 'calculator', 'test-server']);
  connected = await connectClient(gateway.url);
}, 60_000);

afterAll(async () => {
  await connected?.close();
  await gateway?.stop();
  await testServer?.close();
  await demo?.close();
});

function textOf(result: { content?: unknown }): string {
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return content.map((item) => item.text ?? '').join('');
}

describe('federated catalog', () => {
  it('lists the tools of all three demo servers under their prefixes, and the unprefixed server under its own names', async () => {
    const { tools } = await connected.client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'weather_get_forecast',
        'weather_get_current_conditions',
        'notes_add_note',
        'notes_list_notes',
        'notes_get_note',
        'calc_add',
        'calc_subtract',
        'calc_multiply',
        'calc_divide',
        'calc_power',
        'calc_sum',
        'whoami',
        'slow_count',
      ]),
    );
    // No upstream name leaks through without its prefix.
    expect(names).not.toContain('get_forecast');
    expect(names).not.toContain('add');
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps each tool’s description and input schema as the upstream published them', async () => {
    const { tools } = await connected.client.listTools();
    const forecast = tools.find((tool) => tool.name === 'weather_get_forecast');
    expect(forecast?.description).toMatch(/Daily forecast for a city/);
    expect(forecast?.inputSchema.properties).toHaveProperty('city');
    expect(forecast?.inputSchema.properties).toHaveProperty('days');
  });

  it('lists prompts, resources and resource templates with the prefix in front of names and URIs', async () => {
    const prompts = (await connected.client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect(prompts).toEqual(expect.arrayContaining(['weather_plan_outdoor_day', 'notes_summarize_notes', 'echo_prompt']));
    const resources = (await connected.client.listResources()).resources.map((resource) => resource.uri);
    expect(resources).toEqual(expect.arrayContaining(['weather_weather://cities', 'notes_notes://notes/note-1', 'test://static']));
    const templates = (await connected.client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate);
    expect(templates).toEqual(['notes_notes://notes/{id}']);
  });
});

describe('calls through the prefixes', () => {
  it('calls a weather tool and gets the weather server’s answer', async () => {
    const result = await connected.client.callTool({ name: 'weather_get_forecast', arguments: { city: 'Lisbon', days: 2 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ city: 'Lisbon', days: forecastFor('Lisbon', 2) });
  });

  it('calls a calculator tool and gets its structured result', async () => {
    const result = await connected.client.callTool({ name: 'calc_add', arguments: { a: 2, b: 3 } });
    expect(result.structuredContent).toEqual({ result: 5 });
    expect(textOf(result)).toBe('5');
  });

  it('adds a note with notes_add_note and reads it back as a resource through the prefixed template', async () => {
    const added = await connected.client.callTool({ name: 'notes_add_note', arguments: { title: 'Gateway', body: 'routed through the prefix' } });
    const id = (added.structuredContent as { id: string }).id;
    expect(id).toMatch(/^note-\d+$/);
    const read = await connected.client.readResource({ uri: `notes_notes://notes/${id}` });
    expect(read.contents).toHaveLength(1);
    expect(read.contents[0]).toMatchObject({
      uri: `notes_notes://notes/${id}`,
      mimeType: 'text/markdown',
      text: '# Gateway\n\nrouted through the prefix\n',
    });
    const fetched = await connected.client.callTool({ name: 'notes_get_note', arguments: { id } });
    expect(textOf(fetched)).toBe('Gateway\n\nrouted through the prefix');
  });

  it('passes a tool error (isError) through as a result, not as a protocol error', async () => {
    const result = await connected.client.callTool({ name: 'calc_divide', arguments: { a: 1, b: 0 } });
    expect(result.isError).toBe(true);
  });

  it('gets a prefixed prompt with its arguments', async () => {
    const prompt = await connected.client.getPrompt({ name: 'weather_plan_outdoor_day', arguments: { city: 'Oslo' } });
    expect(prompt.messages).toHaveLength(1);
    expect(prompt.messages[0]?.content).toMatchObject({ type: 'text', text: expect.stringContaining('Plan an enjoyable day outdoors in Oslo') });
  });

  it('reads a prefixed static resource', async () => {
    const read = await connected.client.readResource({ uri: 'weather_weather://cities' });
    // The contents name the resource by the URI the client knows, not the upstream's.
    expect(read.contents[0]?.uri).toBe('weather_weather://cities');
    expect(read.contents[0]?.mimeType).toBe('application/json');
    const body = JSON.parse((read.contents[0] as { text: string }).text) as { cities: string[] };
    expect(body.cities.length).toBeGreaterThan(0);
  });

  it('completes a template argument of a prefixed resource template', async () => {
    const completion = await connected.client.complete({
      ref: { type: 'ref/resource', uri: 'notes_notes://notes/{id}' },
      argument: { name: 'id', value: 'note-' },
    });
    expect(completion.completion.values).toContain('note-1');
  });
});

describe('a server without a prefix', () => {
  it('is called by its own tool names', async () => {
    const result = await connected.client.callTool({ name: 'echo', arguments: { text: 'no prefix here' } });
    expect(textOf(result)).toBe('no prefix here');
  });

  it('serves its prompt and resource under their own names and URIs', async () => {
    const prompt = await connected.client.getPrompt({ name: 'echo_prompt', arguments: { text: 'hi' } });
    expect(prompt.messages[0]?.content).toMatchObject({ type: 'text', text: 'Please repeat: hi' });
    const read = await connected.client.readResource({ uri: 'test://static' });
    expect(read.contents[0]).toMatchObject({ uri: 'test://static', text: 'static resource of test-server' });
  });

  it('receives the call with the client’s arguments unchanged', async () => {
    const before = testServer.receivedMessages().length;
    await connected.client.callTool({ name: 'echo', arguments: { text: 'exact bytes ✓' } });
    const call = testServer
      .receivedMessages()
      .slice(before)
      .map((entry) => entry.message)
      .find((message) => message['method'] === 'tools/call');
    expect(call?.['params']).toMatchObject({ name: 'echo', arguments: { text: 'exact bytes ✓' } });
  });
});
