// Issue 5 against an independently written upstream: the reference server
// (@modelcontextprotocol/server-everything, MCP SDK 1.x) behind the gateway, with an SDK v2
// client that declares elicitation (form and url), sampling and roots and answers each.
// The reference server lists these tools only to clients that declared the capabilities, so
// they reach the catalog only because the broker's own connection declares them too.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ProtocolError } from '@modelcontextprotocol/client';
import { waitFor } from '@mcp-gateway/testing';
import { startEverythingServer, type EverythingServer } from '../servers/everything';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from '../gateway/support/gateway-processes';
import { rawMcpRequest } from '../gateway/support/raw-mcp-exchange';

jest.setTimeout(30_000);

const GATEWAY_ID = /^[A-Za-z0-9_-]{22}$/;
const ROOTS = [{ uri: 'file:///work/everything', name: 'everything-root' }];

let everything: EverythingServer;
let gateway: GatewayProcesses;
let connected: ConnectedClient;
const idsSeenByClient: Array<{ method: string; id: unknown }> = [];
const urlElicitations: Array<{ url: string; elicitationId: string }> = [];

beforeAll(async () => {
  everything = await startEverythingServer();
  gateway = await startGatewayProcesses({ config: { servers: [{ name: 'everything', url: everything.url, prefix: 'ev_' }] } });
  await gateway.waitForUpstreamsReady(['everything']);
  connected = await connectClient(gateway.url, {
    capabilities: { elicitation: { form: {}, url: {} }, sampling: {}, roots: { listChanged: true } },
    configure: (client) => {
      client.setRequestHandler('elicitation/create', (request, ctx) => {
        idsSeenByClient.push({ method: 'elicitation/create', id: ctx.mcpReq.id });
        if (request.params.mode === 'url') {
          urlElicitations.push({ url: request.params.url, elicitationId: request.params.elicitationId });
          return { action: 'accept' };
        }
        return { action: 'accept', content: { name: 'Ada Lovelace', check: true, email: 'ada@example.com' } };
      });
      client.setRequestHandler('sampling/createMessage', (request, ctx) => {
        idsSeenByClient.push({ method: 'sampling/createMessage', id: ctx.mcpReq.id });
        const first = request.params.messages[0]?.content;
        const asked = first && !Array.isArray(first) && first.type === 'text' ? first.text : '?';
        return { role: 'assistant', content: { type: 'text', text: `the model read: ${asked}` }, model: 'e2e-model', stopReason: 'endTurn' };
      });
      client.setRequestHandler('roots/list', (_request, ctx) => {
        idsSeenByClient.push({ method: 'roots/list', id: ctx.mcpReq.id });
        return { roots: ROOTS };
      });
    },
  });
  // The capability-gated tools are registered after initialization and announced with
  // list_changed; the broker re-lists on it.
  await waitFor(
    async () => {
      const names = (await connected.client.listTools()).tools.map((tool) => tool.name);
      return ['ev_trigger-elicitation-request', 'ev_trigger-url-elicitation', 'ev_trigger-sampling-request', 'ev_get-roots-list'].every((name) => names.includes(name));
    },
    { timeoutMs: 10_000, what: 'the capability-gated tools in the catalog' },
  );
}, 60_000);

afterAll(async () => {
  await connected?.close();
  await gateway?.stop();
  await everything?.close();
});

function textOf(result: { content?: unknown }): string {
  return ((result.content ?? []) as Array<{ text?: string }>).map((item) => item.text ?? '').join('\n');
}

describe('server-everything through the gateway, asking the client', () => {
  it('trigger-elicitation-request: the form reaches the client under a gateway id and the answer reaches the tool', async () => {
    const result = await connected.client.callTool({ name: 'ev_trigger-elicitation-request', arguments: {} });
    expect(textOf(result)).toContain('User provided the requested information');
    expect(textOf(result)).toContain('- Name: Ada Lovelace');
    expect(textOf(result)).toContain('- Email: ada@example.com');
    const asked = idsSeenByClient.filter((entry) => entry.method === 'elicitation/create');
    expect(asked.at(-1)?.id).toEqual(expect.stringMatching(GATEWAY_ID));
  });

  it('trigger-url-elicitation: a url-mode elicitation reaches the client and its acceptance the tool', async () => {
    const result = await connected.client.callTool({
      name: 'ev_trigger-url-elicitation',
      arguments: { url: 'https://auth.example.com/consent', elicitationId: 'everything-consent-1' },
    });
    expect(urlElicitations).toContainEqual({ url: 'https://auth.example.com/consent', elicitationId: 'everything-consent-1' });
    expect(textOf(result)).toContain('User completed the URL elicitation flow');
    expect(textOf(result)).toContain('everything-consent-1');
  });

  it('trigger-url-elicitation (error path): the URL-elicitation-required error (-32042) reaches the client unchanged; the retry then completes', async () => {
    const args = { url: 'https://auth.example.com/needs-consent', errorPath: true, elicitationId: 'error-path-1' };
    const failure = await connected.client.callTool({ name: 'ev_trigger-url-elicitation', arguments: args }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).code).toBe(-32042);
    expect((failure as ProtocolError).data).toEqual({
      elicitations: [{ mode: 'url', url: 'https://modelcontextprotocol.io', message: expect.any(String), elicitationId: expect.any(String) }],
    });
    const retried = await connected.client.callTool({ name: 'ev_trigger-url-elicitation', arguments: args });
    expect(textOf(retried)).toContain('User completed the URL elicitation flow');
  });

  it('trigger-sampling-request: the model request reaches the client and its answer the tool', async () => {
    const result = await connected.client.callTool({ name: 'ev_trigger-sampling-request', arguments: { prompt: 'say hi', maxTokens: 20 } });
    expect(textOf(result)).toContain('the model read: Resource trigger-sampling-request context: say hi');
    expect(textOf(result)).toContain('e2e-model');
    expect(idsSeenByClient.filter((entry) => entry.method === 'sampling/createMessage').at(-1)?.id).toEqual(expect.stringMatching(GATEWAY_ID));
  });

  it('get-roots-list: the server learns the client’s roots through the gateway', async () => {
    const result = await connected.client.callTool({ name: 'ev_get-roots-list', arguments: {} });
    expect(textOf(result)).toContain('file:///work/everything');
    const asked = idsSeenByClient.filter((entry) => entry.method === 'roots/list');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((entry) => GATEWAY_ID.test(String(entry.id)))).toBe(true);
  });

  it('trigger-long-running-operation: progress arrives during the call, under the SDK’s own token', async () => {
    const progress: number[] = [];
    const result = await connected.client.callTool(
      { name: 'ev_trigger-long-running-operation', arguments: { duration: 1, steps: 3 } },
      { onprogress: ({ progress: value }) => void progress.push(value) },
    );
    expect(progress).toEqual([1, 2, 3]);
    expect(textOf(result)).toContain('Long running operation completed');
  });

  it('trigger-long-running-operation: a progress token the client chose comes back unchanged', async () => {
    const answer = await rawMcpRequest(
      gateway.url,
      {
        jsonrpc: '2.0',
        id: 'long-1',
        method: 'tools/call',
        params: { name: 'ev_trigger-long-running-operation', arguments: { duration: 0.3, steps: 2 }, _meta: { progressToken: 'client-chosen-token' } },
      },
      { sessionId: connected.sessionId ?? '' },
    );
    const tokens = answer.messages
      .filter((message) => (message as { method?: string }).method === 'notifications/progress')
      .map((message) => (message as { params: { progressToken: unknown } }).params.progressToken);
    expect(tokens).toEqual(['client-chosen-token', 'client-chosen-token']);
    expect(answer.messages.at(-1)).toMatchObject({ id: 'long-1', result: { content: [{ type: 'text' }] } });
  });
});
