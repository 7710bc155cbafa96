// Issue 5: requests an upstream sends to the client during a tool call — elicitation (form
// and url mode), sampling, roots, ping — pass through the gateway under gateway ids, on
// either stream the upstream chose (the call's own SSE stream, or its session's GET
// stream), and the client's answers reach the asking upstream under the upstream's ids.
// One broker and one router (separate processes, as `npm start` runs them) in front of
// the in-repo test server and an upstream that asks on demand (support/asking-server.ts);
// clients are real MCP SDK v2 clients.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ElicitRequest } from '@modelcontextprotocol/client';
import { waitFor } from '@mcp-gateway/testing';
import { connectClient, type ConnectedClient, type ConnectClientOptions } from '../support/connect-client';
import type { GatewayProcesses } from '../gateway/support/gateway-processes';
import { rawMcpRequest } from '../gateway/support/raw-mcp-exchange';
import type { AskingServer, AskOutcome } from './support/asking-server';
import { startAskingGateway, type AskingGateway } from './support/asking-gateway';

jest.setTimeout(30_000);

/** What the gateway gives the client as a server request id: 128 random bits, base64url. */
const GATEWAY_ID = /^[A-Za-z0-9_-]{22}$/;

let asker: AskingServer;
let gateway: GatewayProcesses;
const clients: ConnectedClient[] = [];

let fixture: AskingGateway | undefined;

beforeAll(async () => {
  fixture = await startAskingGateway({ upstreamRequestMs: 20_000 });
  ({ asker, gateway } = fixture);
}, 60_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  await fixture?.close();
});

async function newClient(options: ConnectClientOptions): Promise<ConnectedClient> {
  const connected = await connectClient(gateway.url, options);
  clients.push(connected);
  return connected;
}

function outcomeOf(result: { structuredContent?: unknown }): AskOutcome {
  return result.structuredContent as AskOutcome;
}

const FORM = { mode: 'form', message: 'What is your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } };

describe.each(['call', 'listen'] as const)('requests sent on the %s stream', (via) => {
  it('passes a form elicitation to the client under a gateway id and the answer back under the upstream id', async () => {
    const idsSeenByClient: unknown[] = [];
    const connected = await newClient({
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (request: ElicitRequest, ctx) => {
          idsSeenByClient.push(ctx.mcpReq.id);
          expect(request.params.message).toBe('What is your name?');
          return { action: 'accept', content: { name: 'Ada' } };
        }),
    });
    const answersBefore = asker.answers().length;
    const result = await connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'elicitation/create', params: FORM, via } });
    expect(outcomeOf(result)).toEqual({ result: { action: 'accept', content: { name: 'Ada' } } });
    const answersAtUpstream = asker.answers().slice(answersBefore);
    expect(answersAtUpstream).toHaveLength(1);
    const upstreamId = answersAtUpstream[0]?.message['id'];
    // The upstream numbers its requests; the client saw an unrelated, unguessable id.
    expect(typeof upstreamId).toBe('number');
    expect(idsSeenByClient).toEqual([expect.stringMatching(GATEWAY_ID)]);
    expect(idsSeenByClient[0]).not.toBe(String(upstreamId));
  });

  it('passes two elicitations of one call, each under its own gateway id', async () => {
    const ids: unknown[] = [];
    const connected = await newClient({
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (request, ctx) => {
          ids.push(ctx.mcpReq.id);
          return { action: 'accept', content: { answer: request.params.message === 'First question?' ? 'one' : 'two' } };
        }),
    });
    const result = await connected.client.callTool({ name: 'ask_ask_twice', arguments: { via } });
    expect(result.structuredContent).toEqual({
      first: { action: 'accept', content: { answer: 'one' } },
      second: { action: 'accept', content: { answer: 'two' } },
    });
    expect(ids).toEqual([expect.stringMatching(GATEWAY_ID), expect.stringMatching(GATEWAY_ID)]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('passes sampling/createMessage and the model’s answer', async () => {
    const connected = await newClient({
      capabilities: { sampling: {} },
      configure: (client) =>
        client.setRequestHandler('sampling/createMessage', (request) => ({
          role: 'assistant',
          content: { type: 'text', text: `echo of ${JSON.stringify(request.params.messages[0]?.content)}` },
          model: 'e2e-model',
        })),
    });
    const params = { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 };
    const result = await connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'sampling/createMessage', params, via } });
    expect(outcomeOf(result).result).toMatchObject({ role: 'assistant', model: 'e2e-model', content: { type: 'text', text: 'echo of {"type":"text","text":"hi"}' } });
  });

  it('passes roots/list and the client’s roots', async () => {
    const roots = [{ uri: 'file:///work/project', name: 'project' }];
    const connected = await newClient({
      capabilities: { roots: { listChanged: true } },
      configure: (client) => client.setRequestHandler('roots/list', () => ({ roots })),
    });
    const result = await connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'roots/list', via } });
    expect(outcomeOf(result)).toEqual({ result: { roots } });
  });

  it('passes a ping from the upstream and the client’s pong', async () => {
    const connected = await newClient({ capabilities: { elicitation: { form: {} } } });
    const result = await connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'ping', via } });
    expect(outcomeOf(result)).toEqual({ result: {} });
  });

  it('passes a url-mode elicitation and the upstream’s notifications/elicitation/complete for it', async () => {
    const completed: string[] = [];
    const connected = await newClient({
      capabilities: { elicitation: { form: {}, url: {} } },
      configure: (client) => {
        client.setRequestHandler('elicitation/create', (request) => {
          expect(request.params).toMatchObject({ mode: 'url', url: 'https://auth.example.com/start', elicitationId: `sign-in-${via}` });
          return { action: 'accept' };
        });
        client.setNotificationHandler('notifications/elicitation/complete', (notification) => {
          completed.push(notification.params.elicitationId);
        });
      },
    });
    const result = await connected.client.callTool({
      name: 'ask_open_url',
      arguments: { url: 'https://auth.example.com/start', elicitationId: `sign-in-${via}`, via },
    });
    expect(result.structuredContent).toEqual({ action: 'accept' });
    // Unchanged: the elicitation id is the upstream's, and the client matches it itself.
    await waitFor(() => completed.includes(`sign-in-${via}`), { what: 'notifications/elicitation/complete at the client' });
  });
});

describe('the in-repo test server (SDK v2 elicitInput / requestSampling, which ask on the GET stream)', () => {
  it('elicits twice in one call', async () => {
    const asked: string[] = [];
    const connected = await newClient({
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (request) => {
          asked.push(request.params.message);
          const content: Record<string, string> = asked.length === 1 ? { name: 'Ada' } : { colour: 'green' };
          return { action: 'accept', content };
        }),
    });
    const result = await connected.client.callTool({ name: 't_elicit_twice', arguments: {} });
    expect(asked).toEqual(['What is your name?', 'Pick a colour']);
    expect(result.structuredContent).toEqual({
      first: { action: 'accept', content: { name: 'Ada' } },
      second: { action: 'accept', content: { colour: 'green' } },
    });
  });

  it('asks for roots', async () => {
    const roots = [{ uri: 'file:///home/ada', name: 'home' }];
    const connected = await newClient({
      capabilities: { roots: {} },
      configure: (client) => client.setRequestHandler('roots/list', () => ({ roots })),
    });
    const result = await connected.client.callTool({ name: 't_list_roots', arguments: {} });
    expect(result.structuredContent).toEqual({ roots });
  });

  it('asks the client’s model', async () => {
    const connected = await newClient({
      capabilities: { sampling: {} },
      configure: (client) =>
        client.setRequestHandler('sampling/createMessage', () => ({ role: 'assistant', content: { type: 'text', text: 'the model says hi' }, model: 'm' })),
    });
    const result = await connected.client.callTool({ name: 't_ask_model', arguments: { prompt: 'hello' } });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('the model says hi');
  });
});

describe('what the upstream is told about the client', () => {
  it('declares to the upstream only the capabilities the client declared and the gateway can relay', async () => {
    const before = asker.initializeCapabilities().length;
    const connected = await newClient({
      capabilities: { elicitation: { form: {} }, experimental: { 'e2e.unrelayable': {} } },
      configure: (client) => client.setRequestHandler('elicitation/create', () => ({ action: 'decline' })),
    });
    await connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'ping' } });
    expect(asker.initializeCapabilities().slice(before)).toEqual([{ elicitation: { form: {} } }]);
  });
});

describe('errors and notifications that pass through unchanged', () => {
  it('passes the URL-elicitation-required error (-32042) with its elicitations', async () => {
    const connected = await newClient({ capabilities: { elicitation: { url: {} } } });
    const answer = await rawMcpRequest(
      gateway.url,
      { jsonrpc: '2.0', id: 'needs-url', method: 'tools/call', params: { name: 'ask_require_url', arguments: { url: 'https://auth.example.com/x', elicitationId: 'e-42' } } },
      { sessionId: connected.sessionId ?? '' },
    );
    expect(answer.messages).toContainEqual({
      jsonrpc: '2.0',
      id: 'needs-url',
      error: {
        code: -32042,
        message: expect.any(String),
        data: { elicitations: [{ mode: 'url', url: 'https://auth.example.com/x', elicitationId: 'e-42', message: 'Authorize the gateway demo' }] },
      },
    });
  });

  it('returns the client’s own progress token unchanged around an elicitation', async () => {
    const progress: Array<{ progressToken: unknown; progress: number }> = [];
    const connected = await newClient({
      capabilities: { elicitation: { form: {} } },
      configure: (client) => {
        client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: {} }));
        // Seen raw: the SDK's own progress bookkeeping would hide a token it did not issue.
        client.setNotificationHandler('notifications/progress', (notification) => {
          progress.push({ progressToken: notification.params.progressToken, progress: notification.params.progress });
        });
      },
    });
    const result = await connected.client.callTool({ name: 'ask_progress_then_ask', arguments: {}, _meta: { progressToken: 'my-own-token-7' } });
    expect(result.structuredContent).toEqual({ answer: { action: 'accept', content: {} } });
    await waitFor(() => progress.length === 3, { what: 'three progress notifications' });
    expect(progress).toEqual([1, 2, 3].map((value) => ({ progressToken: 'my-own-token-7', progress: value })));
  });
});
