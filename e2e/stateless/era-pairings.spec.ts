// Issue 7: clients of both protocol eras against the gateway in front of upstreams of both
// eras — all four pairings, each for listing, calling, prompts, resources and the requests
// an upstream makes of the client (elicitation, sampling, roots). The gateway runs as its
// two real processes (broker + router); upstreams are real MCP SDK v2 servers: the
// stateless-era test server (2026-07-28 only, prefix `m_`) and the session-era test server
// (2025-11-25, prefix `l_`). Clients are real SDK v2 clients: pinned to 2026-07-28, or the
// plain 2025 `initialize` handshake.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { startGatewayProcesses, type GatewayProcesses } from '../gateway/support/gateway-processes';
import { startStatelessTestServer, type StatelessTestServer } from '../servers/stateless-test-server';
import { startTestServer, type TestServer } from '../servers/test-server';
import { CLIENT_ROOTS, connectSessionClient, connectStatelessClient, type EraClient } from './support/modern-client';
import { envelope, postWire, standardHeaders } from './support/stateless-post';

jest.setTimeout(60_000);

let modern: StatelessTestServer;
let legacy: TestServer;
let gateway: GatewayProcesses;
let statelessClient: EraClient;
let sessionClient: EraClient;

beforeAll(async () => {
  modern = await startStatelessTestServer({ name: 'modern-upstream' });
  legacy = await startTestServer({ name: 'legacy-upstream' });
  gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'modern', url: modern.url, prefix: 'm_' },
        { name: 'legacy', url: legacy.url, prefix: 'l_' },
      ],
      upstreamRequestMs: 20_000,
    },
  });
  await gateway.waitForUpstreamsReady(['modern', 'legacy']);
  statelessClient = await connectStatelessClient(gateway.url, { name: 'Ada', colour: 'green' });
  sessionClient = await connectSessionClient(gateway.url, { name: 'Grace', colour: 'blue' });
}, 90_000);

afterAll(async () => {
  await statelessClient?.close();
  await sessionClient?.close();
  await gateway?.stop();
  await modern?.close();
  await legacy?.close();
});

function textOf(result: unknown): string {
  const content = (result as CallToolResult).content;
  const first = content[0];
  return first?.type === 'text' ? first.text : '';
}

describe('the gateway itself, to both eras', () => {
  it('tells a stateless-era client it speaks 2026-07-28 and each upstream its own era in /status', async () => {
    expect(statelessClient.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(sessionClient.client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    const status = await gateway.status();
    const rows = status.upstreams as unknown as Array<{ name: string; protocolVersion: string; protocolEra: string }>;
    expect(rows.find((row) => row.name === 'modern')).toMatchObject({ protocolVersion: '2026-07-28', protocolEra: 'stateless' });
    expect(rows.find((row) => row.name === 'legacy')).toMatchObject({ protocolVersion: '2025-11-25', protocolEra: 'session' });
  });

  it.each([
    ['stateless-era', () => statelessClient],
    ['session-era', () => sessionClient],
  ])('lists the tools, prompts, resources and templates of both upstreams to a %s client', async (_era, clientOf) => {
    const { client } = clientOf();
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['m_echo', 'm_ask_name', 'l_echo', 'l_elicit_twice']));
    const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect(prompts).toEqual(expect.arrayContaining(['m_greeting', 'm_personal_greeting', 'l_echo_prompt']));
    const resources = (await client.listResources()).resources.map((resource) => resource.uri);
    expect(resources).toEqual(expect.arrayContaining(['m_stateless://static', 'l_test://static']));
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate);
    expect(templates).toContain('m_stateless://items/{id}');
  });
});

describe('stateless-era client → stateless-era upstream (passed through, nothing stored)', () => {
  it('calls a tool and gets the upstream answer', async () => {
    expect(textOf(await statelessClient.client.callTool({ name: 'm_echo', arguments: { text: 'straight through' } }))).toBe('straight through');
  });

  it('gets the upstream input-required result and completes it with its own answers', async () => {
    const before = statelessClient.asked().length;
    expect(textOf(await statelessClient.client.callTool({ name: 'm_ask_name_and_colour', arguments: {} }))).toBe('Ada likes green');
    expect(statelessClient.asked().slice(before)).toEqual(['elicitation/create', 'elicitation/create']);
    expect(textOf(await statelessClient.client.callTool({ name: 'm_ask_model', arguments: { prompt: 'the answer?' } }))).toBe('model said: forty-two');
    expect(textOf(await statelessClient.client.callTool({ name: 'm_list_my_roots', arguments: {} }))).toBe(CLIENT_ROOTS[0]?.uri);
  });

  it('gets prompts (one of them input-required) and reads resources with the gateway URIs', async () => {
    const greeting = await statelessClient.client.getPrompt({ name: 'm_greeting', arguments: { name: 'Linus' } });
    expect(greeting.messages[0]?.content).toMatchObject({ text: 'Please greet Linus warmly.' });
    const personal = await statelessClient.client.getPrompt({ name: 'm_personal_greeting', arguments: {} });
    expect(personal.messages[0]?.content).toMatchObject({ text: 'Please greet Ada personally.' });
    const read = await statelessClient.client.readResource({ uri: 'm_stateless://items/7' });
    expect(read.contents[0]).toMatchObject({ uri: 'm_stateless://items/7', text: 'item 7' });
  });

  it('relays progress notifications before the result', async () => {
    const progress: number[] = [];
    const result = await statelessClient.client.callTool({ name: 'm_count', arguments: { count: 3, delayMs: 20 } }, { onprogress: (update) => progress.push(update.progress) });
    expect(textOf(result)).toBe('counted 3');
    expect(progress).toEqual([1, 2, 3]);
  });
});

describe('stateless-era client → session-era upstream (bridged: questions become input-required results)', () => {
  it('calls a tool over an upstream session the gateway holds', async () => {
    expect(textOf(await statelessClient.client.callTool({ name: 'l_echo', arguments: { text: 'over a pooled session' } }))).toBe('over a pooled session');
  });

  it('turns two elicitations the upstream sends on its GET stream into input-required rounds, then resumes the call', async () => {
    const before = statelessClient.asked().length;
    const result = await statelessClient.client.callTool({ name: 'l_elicit_twice', arguments: {} });
    expect(result.structuredContent).toEqual({ first: { action: 'accept', content: { name: 'Ada' } }, second: { action: 'accept', content: { colour: 'green' } } });
    expect(statelessClient.asked().slice(before)).toEqual(['elicitation/create', 'elicitation/create']);
  });

  it('does the same for roots/list (asked on the call stream) and sampling', async () => {
    const roots = await statelessClient.client.callTool({ name: 'l_list_roots', arguments: {} });
    expect(roots.structuredContent).toEqual({ roots: CLIENT_ROOTS });
    expect(textOf(await statelessClient.client.callTool({ name: 'l_ask_model', arguments: { prompt: 'the answer?' } }))).toBe('forty-two');
  });

  it('gets prompts and reads resources of the session-era upstream', async () => {
    const prompt = await statelessClient.client.getPrompt({ name: 'l_echo_prompt', arguments: { text: 'both eras' } });
    expect(prompt.messages[0]?.content).toMatchObject({ text: 'Please repeat: both eras' });
    const read = await statelessClient.client.readResource({ uri: 'l_test://static' });
    expect(read.contents[0]).toMatchObject({ uri: 'l_test://static', text: 'static resource of legacy-upstream' });
  });

  it('gives a session-era answer what the stateless era requires: resultType, and caching hints on resources/read', async () => {
    const read = await postWire(gateway.url, standardHeaders('resources/read', 'l_test://static'), {
      jsonrpc: '2.0',
      id: 'read-1',
      method: 'resources/read',
      params: { uri: 'l_test://static', _meta: envelope() },
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: 'read-1', result: { resultType: 'complete', ttlMs: 0, cacheScope: 'private', contents: [{ uri: 'l_test://static' }] } });
    const call = await postWire(gateway.url, standardHeaders('tools/call', 'l_echo'), {
      jsonrpc: '2.0',
      id: 'call-1',
      method: 'tools/call',
      params: { name: 'l_echo', arguments: { text: 'typed' }, _meta: envelope() },
    });
    expect(call.body).toMatchObject({ id: 'call-1', result: { resultType: 'complete', content: [{ text: 'typed' }] } });
    expect(call.headers.get('mcp-session-id')).toBeNull();
  });

  it('relays progress notifications of the upstream session', async () => {
    const progress: number[] = [];
    const result = await statelessClient.client.callTool({ name: 'l_slow_count', arguments: { count: 3, delayMs: 20 } }, { onprogress: (update) => progress.push(update.progress) });
    expect(textOf(result)).toBe('counted to 3');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('never asks a client that declared nothing: the upstream session it uses was opened without capabilities', async () => {
    const plain = await connectStatelessClient(gateway.url, { capabilities: {} });
    try {
      const tools = (await plain.client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toContain('l_echo');
      expect(textOf(await plain.client.callTool({ name: 'l_echo', arguments: { text: 'no questions' } }))).toBe('no questions');
      expect(plain.asked()).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});

describe('session-era client → stateless-era upstream (bridged: input-required results become requests on the call stream)', () => {
  it('calls a tool with the per-request _meta the gateway adds for it', async () => {
    expect(textOf(await sessionClient.client.callTool({ name: 'm_echo', arguments: { text: 'from a session' } }))).toBe('from a session');
    const call = modern
      .received()
      .reverse()
      .find((entry) => (entry.body['params'] as { arguments?: { text?: string } } | undefined)?.arguments?.text === 'from a session');
    expect(call?.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' });
    expect(call?.headers['mcp-session-id']).toBeUndefined();
    expect((call?.body['params'] as { _meta: Record<string, unknown> })._meta).toMatchObject({
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} }, sampling: {}, roots: { listChanged: true } },
      'io.modelcontextprotocol/clientInfo': { name: 'session-era-client' },
    });
  });

  it('asks the client with elicitation/create on the call stream, once per round, and re-sends the call with the answers', async () => {
    const before = sessionClient.asked().length;
    expect(textOf(await sessionClient.client.callTool({ name: 'm_ask_name_and_colour', arguments: {} }))).toBe('Grace likes blue');
    expect(sessionClient.asked().slice(before)).toEqual(['elicitation/create', 'elicitation/create']);
    const rounds = modern.received().filter((entry) => (entry.body['params'] as { name?: string } | undefined)?.name === 'ask_name_and_colour');
    const last = rounds.slice(-3).map((entry) => entry.body['params'] as Record<string, unknown>);
    // Three independent requests with distinct ids: the first, then one retry per answer.
    expect(new Set(rounds.slice(-3).map((entry) => entry.body['id'])).size).toBe(3);
    expect(last[0]?.['inputResponses']).toBeUndefined();
    expect(last[1]?.['inputResponses']).toEqual({ name: { action: 'accept', content: { name: 'Grace' } } });
    expect(last[2]?.['requestState']).toBe(Buffer.from('Grace', 'utf8').toString('base64url'));
  });

  it('asks for sampling and roots the same way', async () => {
    expect(textOf(await sessionClient.client.callTool({ name: 'm_ask_model', arguments: { prompt: 'the answer?' } }))).toBe('model said: forty-two');
    expect(textOf(await sessionClient.client.callTool({ name: 'm_list_my_roots', arguments: {} }))).toBe(CLIENT_ROOTS[0]?.uri);
  });

  it('gets prompts (one of them input-required) and reads resources', async () => {
    const personal = await sessionClient.client.getPrompt({ name: 'm_personal_greeting', arguments: {} });
    expect(personal.messages[0]?.content).toMatchObject({ text: 'Please greet Grace personally.' });
    const read = await sessionClient.client.readResource({ uri: 'm_stateless://static' });
    expect(read.contents[0]).toMatchObject({ uri: 'm_stateless://static', text: 'static resource of modern-upstream' });
  });

  it('relays progress notifications', async () => {
    const progress: number[] = [];
    const result = await sessionClient.client.callTool({ name: 'm_count', arguments: { count: 3, delayMs: 20 } }, { onprogress: (update) => progress.push(update.progress) });
    expect(textOf(result)).toBe('counted 3');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('tells a client that cannot be asked which capability the upstream needed (-32021)', async () => {
    const plain = await connectSessionClient(gateway.url, { capabilities: {} });
    try {
      await expect(plain.client.callTool({ name: 'm_ask_name', arguments: {} })).rejects.toMatchObject({ code: -32021 });
    } finally {
      await plain.close();
    }
  });
});

describe('session-era client → session-era upstream (unchanged)', () => {
  it('calls, and answers the upstream elicitations itself', async () => {
    expect(textOf(await sessionClient.client.callTool({ name: 'l_echo', arguments: { text: 'classic' } }))).toBe('classic');
    const result = await sessionClient.client.callTool({ name: 'l_elicit_twice', arguments: {} });
    expect(result.structuredContent).toEqual({ first: { action: 'accept', content: { name: 'Grace' } }, second: { action: 'accept', content: { colour: 'blue' } } });
  });
});
