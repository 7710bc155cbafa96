import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import http from 'node:http';
import * as z from 'zod';
import { ResourceTemplate } from '@modelcontextprotocol/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { waitFor } from '@mcp-gateway/testing';
import { startUpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import type { UpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import { startRouterTestRig } from '../test-doubles/router-test-rig';
import type { RouterTestRig } from '../test-doubles/router-test-rig';

/** Lets a spec hold a tool call open until it has seen the call's progress notification. */
let releaseProgressCall: (() => void) | undefined;
const cancelledCalls: string[] = [];

function registerWeather(server: McpServer): void {
  server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text: `echo:${text}` }],
  }));
  server.registerTool('report_progress', { inputSchema: z.object({}) }, async (_args, ctx) => {
    const released = new Promise<string>((resolve) => {
      releaseProgressCall = () => resolve('released by the client');
      setTimeout(() => resolve('never released'), 3000).unref();
    });
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) {
      await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: 1, total: 2 } });
    }
    return { content: [{ type: 'text', text: await released }] };
  });
  server.registerTool('wait_for_cancel', { inputSchema: z.object({ label: z.string() }) }, async ({ label }, ctx) => {
    await new Promise<void>((resolve) => {
      if (ctx.mcpReq.signal.aborted) resolve();
      ctx.mcpReq.signal.addEventListener('abort', () => resolve(), { once: true });
      setTimeout(resolve, 5000).unref();
    });
    if (ctx.mcpReq.signal.aborted) cancelledCalls.push(label);
    return { content: [{ type: 'text', text: 'finished' }] };
  });
  server.registerTool('greet', { inputSchema: z.object({}) }, async (_args, ctx) => {
    // Sent as related to the call (ctx.mcpReq.send), so it travels on the call's SSE stream
    // (MCP 2025-11-25 "Transports"), the one the router relays.
    const answer = await ctx.mcpReq.send({
      method: 'elicitation/create',
      params: {
        mode: 'form',
        message: 'Who are you?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
    });
    const name = answer.action === 'accept' ? String(answer.content?.['name']) : `nobody (${answer.action})`;
    return { content: [{ type: 'text', text: `hello ${name}` }] };
  });
  // elicitInput() and requestSampling() send their requests on the session's GET stream
  // (not related to the call): the router must hold that stream during the call.
  server.registerTool('interview', { inputSchema: z.object({}) }, async (_args, ctx) => {
    const schema = { type: 'object' as const, properties: { answer: { type: 'string' as const } }, required: ['answer'] };
    const first = await ctx.mcpReq.elicitInput({ mode: 'form', message: 'First question?', requestedSchema: schema });
    const second = await ctx.mcpReq.elicitInput({ mode: 'form', message: 'Second question?', requestedSchema: schema });
    const model = await ctx.mcpReq.requestSampling({ messages: [{ role: 'user', content: { type: 'text', text: 'summarise' } }], maxTokens: 10 });
    const answers = [first, second].map((a) => (a.action === 'accept' ? String(a.content?.['answer']) : a.action));
    const said = model.content && !Array.isArray(model.content) && model.content.type === 'text' ? model.content.text : '?';
    return { content: [{ type: 'text', text: `${answers.join(' + ')} / model: ${said}` }] };
  });
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
  let docs: UpstreamMcpServer;
  let rig: RouterTestRig;

  beforeAll(async () => {
    weather = await startUpstreamMcpServer('weather', registerWeather);
    files = await startUpstreamMcpServer('files', registerFiles);
    docs = await startUpstreamMcpServer(
      'docs',
      (server) => {
        server.registerResource('readme', 'file:///readme.md', { mimeType: 'text/markdown' }, async (uri) => ({
          contents: [{ uri: uri.href, mimeType: 'text/markdown', text: '# Read me' }],
        }));
        server.registerTool('confirm', { inputSchema: z.object({}) }, async (_args, ctx) => {
          const answer = await ctx.mcpReq.elicitInput({
            mode: 'form',
            message: 'Publish the docs?',
            requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          });
          return { content: [{ type: 'text', text: answer.action === 'accept' && answer.content?.['ok'] === true ? 'published' : 'kept' }] };
        });
      },
      { jsonResponse: true },
    );
    rig = await startRouterTestRig({
      servers: [
        {
          upstream: weather,
          prefix: 'weather_',
          tools: ['echo', 'report_progress', 'wait_for_cancel', 'greet', 'interview'],
          prompts: ['summary'],
          resources: ['file:///stations.csv'],
          resourceTemplates: ['city://{name}/today'],
        },
        { upstream: files, prefix: '', tools: ['read_file'] },
        { upstream: docs, prefix: 'docs_', resources: ['file:///readme.md'], tools: ['confirm'] },
      ],
    });
  });

  afterAll(async () => {
    await rig.close();
    await weather.stop();
    await files.stop();
    await docs.stop();
  });

  it('routes a prefixed tool call to its upstream with the prefix stripped', async () => {
    const { client } = await rig.connectClient();
    const result = await client.callTool({ name: 'weather_echo', arguments: { text: 'hi' } });
    expect(textOf(result)).toBe('echo:hi');
    expect(weather.received.filter((r) => r.jsonRpcMethod === 'tools/call').at(-1)?.target).toBe('echo');
  });

  it('routes prompts/get through the prefix', async () => {
    const { client } = await rig.connectClient();
    const prompt = await client.getPrompt({ name: 'weather_summary', arguments: { city: 'Paris' } });
    expect(JSON.stringify(prompt.messages)).toContain('summarise the weather in Paris');
    expect(weather.received.filter((r) => r.jsonRpcMethod === 'prompts/get').at(-1)?.target).toBe('summary');
  });

  it('routes resources/read of a prefixed resource and of a prefixed template', async () => {
    const { client } = await rig.connectClient();
    const stations = await client.readResource({ uri: 'weather_file:///stations.csv' });
    expect(JSON.stringify(stations.contents)).toContain('1,Paris');
    const today = await client.readResource({ uri: 'weather_city://lyon/today' });
    expect(JSON.stringify(today.contents)).toContain('sunny in lyon');
    const reads = weather.received.filter((r) => r.jsonRpcMethod === 'resources/read').map((r) => r.target);
    expect(reads.slice(-2)).toEqual(['file:///stations.csv', 'city://lyon/today']);
    // The client gets the gateway URIs it asked for back, not the upstream's own.
    expect(stations.contents.map((c) => c.uri)).toEqual(['weather_file:///stations.csv']);
    expect(today.contents.map((c) => c.uri)).toEqual(['weather_city://lyon/today']);
  });

  it('gives gateway URIs back when the upstream answers resources/read with one JSON body', async () => {
    const { client } = await rig.connectClient();
    const readme = await client.readResource({ uri: 'docs_file:///readme.md' });
    expect(readme.contents).toEqual([{ uri: 'docs_file:///readme.md', mimeType: 'text/markdown', text: '# Read me' }]);
    expect(docs.received.filter((r) => r.jsonRpcMethod === 'resources/read').at(-1)?.target).toBe('file:///readme.md');
  });

  it('routes a call to a server without prefix under the same name', async () => {
    const { client } = await rig.connectClient();
    const result = await client.callTool({ name: 'read_file', arguments: { path: '/etc/motd' } });
    expect(textOf(result)).toBe('contents of /etc/motd');
    expect(files.received.filter((r) => r.jsonRpcMethod === 'tools/call').at(-1)?.target).toBe('read_file');
  });

  it('records the initialized session in the store and passes the GET stream to the broker', async () => {
    const { transport } = await rig.connectClient({ name: 'recorded-client' });
    const sessionId = transport.sessionId;
    expect(sessionId).toBeDefined();
    const record = await rig.store.getSession(sessionId ?? '');
    expect(record?.clientInfo.name).toBe('recorded-client');
    expect(record?.protocolVersion).toBe('2025-11-25');
    await waitFor(() => rig.broker.received.some((r) => r.httpMethod === 'GET' && r.sessionId === sessionId) || undefined, {
      what: 'the GET stream at the broker',
    });
  });

  it('reuses one upstream session for every call of a client session', async () => {
    const { client, transport } = await rig.connectClient();
    const before = weather.initializeCount();
    await client.callTool({ name: 'weather_echo', arguments: { text: 'one' } });
    await client.callTool({ name: 'weather_echo', arguments: { text: 'two' } });
    await client.getPrompt({ name: 'weather_summary', arguments: { city: 'Oslo' } });
    expect(weather.initializeCount() - before).toBe(1);
    const mapped = await rig.store.listUpstreamSessions(transport.sessionId ?? '');
    const upstreamId = mapped.get('weather');
    const lastThree = weather.received.filter((r) => r.jsonRpcMethod === 'tools/call' || r.jsonRpcMethod === 'prompts/get').slice(-3);
    expect(lastThree.map((r) => r.sessionId)).toEqual([upstreamId, upstreamId, upstreamId]);
    // The client only ever sees the gateway's session id.
    expect(upstreamId).not.toBe(transport.sessionId);
  });

  it('opens exactly one upstream session when 20 first calls race', async () => {
    const { client } = await rig.connectClient();
    const before = weather.initializeCount();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.callTool({ name: 'weather_echo', arguments: { text: `n${i}` } })),
    );
    expect(results.map(textOf)).toEqual(Array.from({ length: 20 }, (_, i) => `echo:n${i}`));
    expect(weather.initializeCount() - before).toBe(1);
  });

  it('retries once on a fresh upstream session when the upstream forgot the session (404)', async () => {
    const { client, transport } = await rig.connectClient();
    await client.callTool({ name: 'weather_echo', arguments: { text: 'before' } });
    const first = (await rig.store.listUpstreamSessions(transport.sessionId ?? '')).get('weather');
    await weather.forgetSessions();
    const mark = weather.received.length;

    const result = await client.callTool({ name: 'weather_echo', arguments: { text: 'after' } });

    expect(textOf(result)).toBe('echo:after');
    const second = (await rig.store.listUpstreamSessions(transport.sessionId ?? '')).get('weather');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const sessionName = (id: string | undefined): string => (id === first ? 'old' : id === second ? 'new' : 'none');
    expect(weather.received.slice(mark).map((r) => `${r.jsonRpcMethod ?? r.httpMethod} on ${sessionName(r.sessionId)}`)).toEqual([
      'tools/call on old',
      'initialize on none',
      'notifications/initialized on new',
      'tools/call on new',
    ]);
  });

  it('streams a progress notification to the client before the call finishes', async () => {
    const { client } = await rig.connectClient();
    const seen: string[] = [];
    const result = await client.callTool(
      { name: 'weather_report_progress', arguments: {} },
      {
        onprogress: (progress) => {
          seen.push(`progress ${progress.progress}/${progress.total}`);
          // The upstream holds its result until the client has seen the progress: were the
          // router to collect the SSE stream, this would never run and the call would say so.
          releaseProgressCall?.();
        },
      },
    );
    seen.push(textOf(result));
    expect(seen).toEqual(['progress 1/2', 'released by the client']);
  });

  it('sends notifications/cancelled for a running call to the upstream that runs it', async () => {
    const { client } = await rig.connectClient();
    const controller = new AbortController();
    const running = client.callTool({ name: 'weather_wait_for_cancel', arguments: { label: 'cancel-me' } }, { signal: controller.signal });
    running.catch(() => undefined);
    await waitFor(() => weather.received.some((r) => r.jsonRpcMethod === 'tools/call' && r.target === 'wait_for_cancel') || undefined, {
      what: 'the call at the upstream',
    });
    controller.abort('the user changed their mind');
    await expect(running).rejects.toThrow();
    await waitFor(() => cancelledCalls.includes('cancel-me') || undefined, { what: 'the upstream to see the cancellation' });
    expect(weather.received.some((r) => r.jsonRpcMethod === 'notifications/cancelled')).toBe(true);
  });

  it('passes an elicitation from the upstream to the client and its answer back, under a gateway request id', async () => {
    const seenIds: unknown[] = [];
    const { client } = await rig.connectClient({
      capabilities: { elicitation: { form: {} } },
      configure: (c) =>
        c.setRequestHandler('elicitation/create', async (request, ctx) => {
          seenIds.push(ctx.mcpReq.id);
          expect(request.params.message).toBe('Who are you?');
          return { action: 'accept', content: { name: 'Ada' } };
        }),
    });
    const result = await client.callTool({ name: 'weather_greet', arguments: {} });
    expect(textOf(result)).toBe('hello Ada');
    // The client saw a gateway id (22 url-safe characters), not the upstream's own id.
    expect(seenIds).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{22}$/)]);
    // The answer reached the upstream under the upstream's own id again.
    const answerAtUpstream = weather.received.filter((r) => r.httpMethod === 'POST' && r.jsonRpcMethod === undefined).at(-1);
    expect(typeof answerAtUpstream?.jsonRpcId).toBe('number');
    expect(rig.broker.received.some((r) => r.jsonRpcMethod === undefined && r.httpMethod === 'POST')).toBe(false);
  });

  it('passes requests the upstream sends on its session GET stream during a call (elicitInput, requestSampling)', async () => {
    const asked: string[] = [];
    const { client } = await rig.connectClient({
      capabilities: { elicitation: { form: {} }, sampling: {} },
      configure: (c) => {
        c.setRequestHandler('elicitation/create', async (request) => {
          asked.push(request.params.message);
          return { action: 'accept', content: { answer: asked.length === 1 ? 'yes' : 'no' } };
        });
        c.setRequestHandler('sampling/createMessage', async () => ({
          role: 'assistant',
          content: { type: 'text', text: 'short' },
          model: 'spec-model',
        }));
      },
    });
    const result = await client.callTool({ name: 'weather_interview', arguments: {} }, { timeout: 5000 });
    expect(asked).toEqual(['First question?', 'Second question?']);
    expect(textOf(result)).toBe('yes + no / model: short');
    // The GET stream went to the upstream session, not to the broker.
    expect(weather.received.some((r) => r.httpMethod === 'GET')).toBe(true);
  });

  it('asks the client on behalf of an upstream that answers calls with one JSON body, on an SSE answer the router opens', async () => {
    const { client } = await rig.connectClient({
      capabilities: { elicitation: { form: {} } },
      configure: (c) => c.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { ok: true } })),
    });
    const result = await client.callTool({ name: 'docs_confirm', arguments: {} }, { timeout: 5000 });
    expect(textOf(result)).toBe('published');
  });

  it('counts routed calls and opened upstream sessions on /metrics', async () => {
    const { client } = await rig.connectClient();
    await client.callTool({ name: 'read_file', arguments: { path: '/m' } });
    const text = await (await fetch(`http://127.0.0.1:${rig.router.port}/metrics`)).text();
    expect(text).toMatch(/mcp_gateway_router_requests_total\{decision="upstream"\} [1-9]/);
    expect(text).toMatch(/mcp_gateway_router_requests_total\{decision="broker"\} [1-9]/);
    expect(text).toMatch(/mcp_gateway_router_upstream_sessions_opened_total\{server="files"\} [1-9]/);
    expect(text).toContain('mcp_gateway_router_routing_table_version 1');
  });

  it('abandons the upstream call when the client disconnects', async () => {
    const { transport } = await rig.connectClient();
    const before = weather.abandonedRequests();
    const request = http.request(rig.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': transport.sessionId ?? '',
      },
    });
    request.on('error', () => undefined);
    request.end(JSON.stringify({ jsonrpc: '2.0', id: 'left', method: 'tools/call', params: { name: 'weather_wait_for_cancel', arguments: { label: 'left' } } }));
    await waitFor(() => weather.received.some((r) => r.jsonRpcId === 'left') || undefined, { what: 'the call at the upstream' });
    request.destroy();
    await waitFor(() => (weather.abandonedRequests() > before ? true : undefined), { what: 'the router to give up the upstream call' });
  });

  it('DELETE ends the session: every upstream session is closed upstream and the broker is told', async () => {
    const { client, transport } = await rig.connectClient();
    await client.callTool({ name: 'weather_echo', arguments: { text: 'x' } });
    await client.callTool({ name: 'read_file', arguments: { path: '/x' } });
    const gatewaySessionId = transport.sessionId ?? '';
    const mapped = await rig.store.listUpstreamSessions(gatewaySessionId);
    const weatherSession = mapped.get('weather');
    const filesSession = mapped.get('files');

    await transport.terminateSession();

    await waitFor(() => weather.received.some((r) => r.httpMethod === 'DELETE' && r.sessionId === weatherSession) || undefined, {
      what: 'DELETE at the weather upstream',
    });
    await waitFor(() => files.received.some((r) => r.httpMethod === 'DELETE' && r.sessionId === filesSession) || undefined, {
      what: 'DELETE at the files upstream',
    });
    expect(rig.broker.received.some((r) => r.httpMethod === 'DELETE' && r.sessionId === gatewaySessionId)).toBe(true);
    expect(await rig.store.getSession(gatewaySessionId)).toBeUndefined();

    const afterwards = await fetch(rig.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': gatewaySessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(afterwards.status).toBe(404);
  });
});
