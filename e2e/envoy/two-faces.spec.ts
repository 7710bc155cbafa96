// One suite, both faces of the router: the same scenarios run against the standalone HTTP
// face (clients talk to the router) and against the ext_proc face (clients talk to an
// emulated Envoy that asks the router over gRPC and forwards where the mutated :authority
// points). Real processes, real SDK v2 clients and upstreams over real HTTP and gRPC.
// A scenario a face cannot serve is declared as such below, with the reason.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ElicitRequest } from '@modelcontextprotocol/client';
import { startDemoServers, type DemoServers } from '../servers/demo-servers';
import { startStatelessTestServer, type StatelessTestServer } from '../servers/stateless-test-server';
import { connectSessionClient, connectStatelessClient, type EraClient } from '../stateless/support/modern-client';
import { startTestServer, type TestServer } from '../servers/test-server';
import { forecastFor } from '../servers/weather-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startCallStreamAsker, type CallStreamAsker } from './support/call-stream-asker';
import { GATEWAY_FACES, startFacedGateway, type FacedGateway, type GatewayFace } from './support/faced-gateway';

jest.setTimeout(30_000);

/** What differs between faces, and why. */
const FACE_LIMITS: Record<GatewayFace, { readonly requestsOnTheUpstreamGetStream: boolean }> = {
  http: { requestsOnTheUpstreamGetStream: true },
  // Envoy hands the router an answer's body only as it flows: a request an upstream sends on
  // its own GET stream (SDK elicitInput) cannot be put into a call's answer that is silent
  // while it waits for that very answer. Requests sent on the call's stream are mapped.
  'ext-proc': { requestsOnTheUpstreamGetStream: false },
};

let demo: DemoServers;
let testServer: TestServer;
let asker: CallStreamAsker;
let modern: StatelessTestServer;

beforeAll(async () => {
  demo = await startDemoServers({ basePort: 0 });
  testServer = await startTestServer();
  asker = await startCallStreamAsker();
  modern = await startStatelessTestServer({ name: 'modern-upstream' });
}, 60_000);

afterAll(async () => {
  await modern?.close();
  await asker?.close();
  await testServer?.close();
  await demo?.close();
});

function textOf(result: { content?: unknown }): string {
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return content.map((item) => item.text ?? '').join('');
}

describe.each(GATEWAY_FACES)('through the %s face', (face) => {
  let gateway: FacedGateway;
  let connected: ConnectedClient;

  beforeAll(async () => {
    gateway = await startFacedGateway(face, [
      { name: 'weather', url: demo.servers.weather.url, prefix: 'weather_' },
      { name: 'notes', url: demo.servers.notes.url, prefix: 'notes_' },
      { name: 'calculator', url: demo.servers.calculator.url, prefix: 'calc_' },
      { name: 'test-server', url: testServer.url },
      { name: 'asker', url: asker.url, prefix: 'ask_' },
      { name: 'modern', url: modern.url, prefix: 'm_' },
    ]);
    await gateway.waitForUpstreamsReady(['weather', 'notes', 'calculator', 'test-server', 'asker', 'modern']);
    connected = await connectClient(gateway.url);
  }, 60_000);

  afterAll(async () => {
    await connected?.close();
    await gateway?.stop();
  });

  describe('listing', () => {
    it('lists every server’s tools under its prefix', async () => {
      const names = (await connected.client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['weather_get_forecast', 'notes_add_note', 'calc_add', 'whoami', 'ask_ask_twice']));
      expect(names).not.toContain('get_forecast');
    });

    it('lists prompts, resources and templates with prefixed names and URIs', async () => {
      expect((await connected.client.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(expect.arrayContaining(['weather_plan_outdoor_day', 'echo_prompt']));
      expect((await connected.client.listResources()).resources.map((resource) => resource.uri)).toEqual(expect.arrayContaining(['weather_weather://cities', 'test://static']));
      expect((await connected.client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate)).toEqual(expect.arrayContaining(['notes_notes://notes/{id}', 'm_stateless://items/{id}']));
    });
  });

  describe('calls', () => {
    it('calls a prefixed tool and gets the upstream’s structured answer', async () => {
      const result = await connected.client.callTool({ name: 'weather_get_forecast', arguments: { city: 'Lisbon', days: 2 } });
      expect(result.structuredContent).toEqual({ city: 'Lisbon', days: forecastFor('Lisbon', 2) });
    });

    it('calls a tool of a server without prefix with the client’s arguments unchanged', async () => {
      const before = testServer.receivedMessages().length;
      const result = await connected.client.callTool({ name: 'echo', arguments: { text: 'exact bytes ✓' } });
      expect(textOf(result)).toBe('exact bytes ✓');
      const call = testServer.receivedMessages().slice(before).map((entry) => entry.message).find((message) => message['method'] === 'tools/call');
      expect(call?.['params']).toMatchObject({ name: 'echo', arguments: { text: 'exact bytes ✓' } });
    });

    it('passes a tool error through as a result', async () => {
      expect((await connected.client.callTool({ name: 'calc_divide', arguments: { a: 1, b: 0 } })).isError).toBe(true);
    });

    it('delivers progress before the result of a streamed call', async () => {
      const progress: number[] = [];
      const result = await connected.client.callTool({ name: 'slow_count', arguments: { count: 3, delayMs: 20 } }, { onprogress: (update) => progress.push(update.progress) });
      expect(progress).toEqual([1, 2, 3]);
      expect(result.isError).toBeFalsy();
    });

    it('sends the upstream its own session id, never the client’s session id or credentials', async () => {
      const withToken = await connectClient(gateway.url, { headers: { authorization: 'Bearer client-secret' } });
      try {
        const result = await withToken.client.callTool({ name: 'echo_headers', arguments: {} });
        const seen = (result.structuredContent as { headers: Record<string, string> }).headers;
        expect(seen['mcp-session-id']).toBeDefined();
        expect(seen['mcp-session-id']).not.toBe(withToken.sessionId);
        expect(testServer.sessionIds()).toContain(seen['mcp-session-id']);
        expect(seen['authorization']).toBeUndefined();
        if (face === 'ext-proc') {
          // What Gateway policies after the ext_proc filter get to see.
          expect(seen).toMatchObject({ 'x-mcp-method': 'tools/call', 'x-mcp-servername': 'test-server', 'x-mcp-toolname': 'echo_headers' });
        }
      } finally {
        await withToken.close();
      }
    });
  });

  describe('prompts and resources', () => {
    it('gets a prefixed prompt with its arguments', async () => {
      const prompt = await connected.client.getPrompt({ name: 'weather_plan_outdoor_day', arguments: { city: 'Oslo' } });
      expect(prompt.messages[0]?.content).toMatchObject({ type: 'text', text: expect.stringContaining('Oslo') });
    });

    it('reads a prefixed resource and gets the gateway URI back', async () => {
      const read = await connected.client.readResource({ uri: 'weather_weather://cities' });
      expect(read.contents[0]?.uri).toBe('weather_weather://cities');
      expect((JSON.parse((read.contents[0] as { text: string }).text) as { cities: string[] }).cities.length).toBeGreaterThan(0);
    });

    it('reads a resource through a prefixed template after adding it with a tool', async () => {
      const added = await connected.client.callTool({ name: 'notes_add_note', arguments: { title: face, body: `through ${face}` } });
      const id = (added.structuredContent as { id: string }).id;
      const read = await connected.client.readResource({ uri: `notes_notes://notes/${id}` });
      expect(read.contents[0]).toMatchObject({ uri: `notes_notes://notes/${id}`, text: `# ${face}\n\nthrough ${face}\n` });
    });
  });

  describe('upstream session loss', () => {
    it('recovers when the upstream forgets the session: the next call succeeds on a fresh upstream session, the client session lives on', async () => {
      const before = JSON.parse(textOf(await connected.client.callTool({ name: 'whoami', arguments: {} }))) as { sessionId: string };
      testServer.forgetSession(before.sessionId);
      const after = JSON.parse(textOf(await connected.client.callTool({ name: 'whoami', arguments: {} }))) as { sessionId: string };
      expect(after.sessionId).not.toBe(before.sessionId);
      expect(testServer.sessionIds()).toContain(after.sessionId);
      // Still the same gateway session.
      expect((await connected.client.listTools()).tools.length).toBeGreaterThan(0);
    });
  });

  describe('server-initiated requests', () => {
    let asking: ConnectedClient;

    beforeAll(async () => {
      let turn = 0;
      asking = await connectClient(gateway.url, {
        capabilities: { elicitation: { form: {} } },
        configure: (client) =>
          client.setRequestHandler('elicitation/create', async (request: ElicitRequest) => {
            turn += 1;
            return { action: 'accept', content: { value: `${face}-${turn}`, name: `${face}-${turn}`, colour: 'green' }, _meta: { asked: request.params.message } };
          }),
      });
    });

    afterAll(async () => {
      await asking?.close();
    });

    it('maps the ids of elicitations sent on the call’s stream, both ways', async () => {
      const askedBefore = asker.askedIds.length;
      const result = await asking.client.callTool({ name: 'ask_ask_twice', arguments: {} });
      expect(textOf(result)).toMatch(new RegExp(`^${face}-\\d+ / ${face}-\\d+$`));
      // The upstream got both answers under its own ids.
      expect(asker.askedIds.slice(askedBefore)).toHaveLength(2);
    });

    (FACE_LIMITS[face].requestsOnTheUpstreamGetStream ? it : it.skip)('passes elicitations an upstream sends on its session stream (SDK elicitInput)', async () => {
      const result = await asking.client.callTool({ name: 'elicit_twice', arguments: {} });
      const answers = JSON.parse(textOf(result)) as { first: { action: string }; second: { action: string } };
      expect(answers.first.action).toBe('accept');
      expect(answers.second.action).toBe('accept');
    });
  });

  describe('protocol versions', () => {
    it('serves a 2025-03-26 session as well: initialize, initialized, a routed call with the version header', async () => {
      const post = (body: unknown, sessionId?: string) =>
        fetch(gateway.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...(sessionId === undefined ? {} : { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-03-26' }),
          },
          body: JSON.stringify(body),
        });
      const initialized = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'old-client', version: '1' } } });
      const sessionId = initialized.headers.get('mcp-session-id') ?? undefined;
      expect(initialized.status).toBe(200);
      expect((await initialized.json()) as unknown).toMatchObject({ result: { protocolVersion: '2025-03-26' } });
      expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId)).status).toBe(202);
      const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'calc_add', arguments: { a: 20, b: 22 } } }, sessionId);
      expect(call.status).toBe(200);
      const text = await call.text();
      expect(text).toContain('"result"');
      expect(text).toContain('42');
    });
  });

  describe('both protocol eras (2026-07-28 stateless, 2025-11-25 sessions)', () => {
    let statelessClient: EraClient;
    let sessionClient: EraClient;

    beforeAll(async () => {
      statelessClient = await connectStatelessClient(gateway.url, { name: 'Ada', colour: 'green' });
      sessionClient = await connectSessionClient(gateway.url, { name: 'Grace', colour: 'blue' });
    });

    afterAll(async () => {
      await statelessClient?.close();
      await sessionClient?.close();
    });

    it('stateless client → stateless upstream: a call, and an input-required call completed with the client’s answers', async () => {
      expect(statelessClient.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(textOf(await statelessClient.client.callTool({ name: 'm_echo', arguments: { text: `straight through ${face}` } }))).toBe(`straight through ${face}`);
      expect(textOf(await statelessClient.client.callTool({ name: 'm_ask_name_and_colour', arguments: {} }))).toBe('Ada likes green');
    });

    it('stateless client → session upstream: a call over the session the gateway holds', async () => {
      expect(textOf(await statelessClient.client.callTool({ name: 'echo', arguments: { text: 'over a pooled session' } }))).toBe('over a pooled session');
    });

    it('session client → stateless upstream: the router bridges the upstream’s input-required into elicitations', async () => {
      expect(textOf(await sessionClient.client.callTool({ name: 'm_echo', arguments: { text: 'from a session' } }))).toBe('from a session');
      expect(textOf(await sessionClient.client.callTool({ name: 'm_ask_name_and_colour', arguments: {} }))).toBe('Grace likes blue');
    });
  });

  describe('errors', () => {
    it('names an unknown tool with -32602', async () => {
      await expect(connected.client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool: no_such_tool/);
    });

    it('answers a forged session id with 404 and a JSON-RPC body', async () => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'forged' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
    });
  });

  if (face === 'ext-proc') {
    describe('what Envoy saw', () => {
      it('cleared the route cache for routed calls and let the router skip the answers it did not need', () => {
        const stats = gateway.envoy?.stats();
        expect(stats?.routeCacheClears).toBeGreaterThan(0);
        expect(stats?.modeOverrides).toBeGreaterThan(0);
        expect(stats?.spuriousMessages).toBe(0);
        expect(stats?.messageTimeouts).toBe(0);
        expect(stats?.contentLengthMismatches).toBe(0);
        expect(stats?.forwarded.some((target) => target.startsWith(new URL(demo.servers.weather.url).origin))).toBe(true);
        // Calls across eras went to the router's own HTTP face, which bridges them.
        expect(stats?.forwardedRequests.some(({ method, target }) => method === 'POST' && target.startsWith(new URL(gateway.routerUrl).origin))).toBe(true);
        // So did the clients' notification streams (the router adds what upstreams send there).
        const streams = stats?.forwardedRequests.filter(({ method }) => method === 'GET') ?? [];
        expect(streams.length).toBeGreaterThan(0);
        expect(streams.every(({ target }) => target.startsWith(new URL(gateway.routerUrl).origin))).toBe(true);
      });
    });
  }
});
