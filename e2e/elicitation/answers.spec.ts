// Issue 5: what happens to the client's answers and to pending requests — an answer is
// delivered once, to the session that was asked, while the call still waits for it;
// everything else gets an error and reaches no upstream. Cancelling or timing out a call
// with a question pending cancels it upstream and forgets the question; a person may take
// their time to answer; roots/list_changed reaches the upstream sessions that asked for
// roots, and only those.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import type { TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient, type ConnectClientOptions } from '../support/connect-client';
import { gatewayConfigYaml, startGatewayProcesses, type GatewayProcesses } from '../gateway/support/gateway-processes';
import { rawMcpRequest } from '../gateway/support/raw-mcp-exchange';
import type { AskingServer } from './support/asking-server';
import { startAskingGateway, type AskingGateway } from './support/asking-gateway';

jest.setTimeout(30_000);

let asker: AskingServer;
let tester: TestServer;
let gateway: GatewayProcesses;
const clients: ConnectedClient[] = [];

let fixture: AskingGateway | undefined;

beforeAll(async () => {
  fixture = await startAskingGateway();
  ({ asker, tester, gateway } = fixture);
}, 60_000);

afterAll(async () => {
  for (const connected of clients) await connected.close();
  await fixture?.close();
});

async function newClient(url: string, options: ConnectClientOptions): Promise<ConnectedClient> {
  const connected = await connectClient(url, options);
  clients.push(connected);
  return connected;
}

const FORM = { mode: 'form', message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } };

/** A client whose elicitation handler waits until the test answers for it. */
async function patientClient(url: string): Promise<{
  connected: ConnectedClient;
  asked: Promise<{ id: string; signal: AbortSignal }>;
  answer(content: Record<string, string>): void;
}> {
  let answer!: (content: Record<string, string>) => void;
  const answered = new Promise<Record<string, string>>((resolve) => (answer = resolve));
  let asked!: (value: { id: string; signal: AbortSignal }) => void;
  const askedPromise = new Promise<{ id: string; signal: AbortSignal }>((resolve) => (asked = resolve));
  const connected = await newClient(url, {
    capabilities: { elicitation: { form: {} } },
    configure: (client) =>
      client.setRequestHandler('elicitation/create', async (_request, ctx) => {
        asked({ id: String(ctx.mcpReq.id), signal: ctx.mcpReq.signal });
        return { action: 'accept', content: await answered };
      }),
  });
  return { connected, asked: askedPromise, answer };
}

function answerBody(id: string, name: string): Record<string, unknown> {
  return { jsonrpc: '2.0', id, result: { action: 'accept', content: { name } } };
}

describe('answers the gateway refuses (HTTP 400, an id-less JSON-RPC error, nothing reaches an upstream)', () => {
  it('refuses an id the gateway never issued', async () => {
    const connected = await newClient(gateway.url, { capabilities: { elicitation: { form: {} } } });
    const before = asker.answers().length;
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 0, 'not-a-gateway-id']) {
      const refused = await rawMcpRequest(gateway.url, { jsonrpc: '2.0', id, result: { action: 'decline' } }, { sessionId: connected.sessionId ?? '' });
      expect(refused.status).toBe(400);
      expect(refused.messages).toEqual([{ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('no pending request') } }]);
    }
    expect(asker.answers().length).toBe(before);
  });

  it('delivers an answer once and refuses it when replayed', async () => {
    let gatewayId = '';
    const connected = await newClient(gateway.url, {
      capabilities: { elicitation: { form: {} } },
      configure: (client) =>
        client.setRequestHandler('elicitation/create', (_request, ctx) => {
          gatewayId = String(ctx.mcpReq.id);
          return { action: 'accept', content: { name: 'first' } };
        }),
    });
    const result = await connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'elicitation/create', params: FORM } });
    expect(result.structuredContent).toEqual({ result: { action: 'accept', content: { name: 'first' } } });
    const before = asker.answers().length;
    const replayed = await rawMcpRequest(gateway.url, answerBody(gatewayId, 'second'), { sessionId: connected.sessionId ?? '' });
    expect(replayed.status).toBe(400);
    expect(asker.answers().length).toBe(before);
  });

  it("refuses another session's id, and the session that was asked can still answer", async () => {
    const asked = await patientClient(gateway.url);
    const call = asked.connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'elicitation/create', params: FORM } });
    const { id } = await asked.asked;
    const intruder = await newClient(gateway.url, { capabilities: { elicitation: { form: {} } } });
    const before = asker.answers().length;
    const stolen = await rawMcpRequest(gateway.url, answerBody(id, 'mallory'), { sessionId: intruder.sessionId ?? '' });
    expect(stolen.status).toBe(400);
    expect(asker.answers().length).toBe(before);
    asked.answer({ name: 'alice' });
    expect((await call).structuredContent).toEqual({ result: { action: 'accept', content: { name: 'alice' } } });
  });
});

describe.each(['call', 'listen'] as const)('a call cancelled while its question (on the %s stream) is pending', (via) => {
  it('is cancelled upstream, the question is withdrawn from the client, and a late answer reaches nobody', async () => {
    const asked = await patientClient(gateway.url);
    const receivedBefore = asker.received().length;
    const controller = new AbortController();
    const call = asked.connected.client.callTool(
      { name: 'ask_ask_client', arguments: { method: 'elicitation/create', params: FORM, via, cancellable: true } },
      { signal: controller.signal },
    );
    const question = await asked.asked;
    const toolCall = asker.received().slice(receivedBefore).find((entry) => entry.message['method'] === 'tools/call');
    controller.abort('the user closed the dialog');
    await expect(call).rejects.toThrow();
    // The upstream hears of the cancellation of its tools/call …
    await waitFor(
      () =>
        asker
          .received()
          .some((entry) => entry.message['method'] === 'notifications/cancelled' && (entry.message['params'] as { requestId?: unknown }).requestId === toolCall?.message['id']),
      { what: 'the upstream to receive notifications/cancelled for its tools/call' },
    );
    // … gives up its question, and the client is told under the id it knows.
    await waitFor(() => question.signal.aborted, { what: 'the client to see its elicitation cancelled' });
    const before = asker.answers().length;
    const late = await rawMcpRequest(gateway.url, answerBody(question.id, 'too late'), { sessionId: asked.connected.sessionId ?? '' });
    expect(late.status).toBe(400);
    asked.answer({ name: 'too late' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(asker.answers().length).toBe(before);
  });
});

describe('time', () => {
  it('lets a person take their time: a call waits for a slow answer (no short timeout by default)', async () => {
    // The production defaults (timeouts.upstreamRequestMs 10 minutes): no timeouts in the file.
    const yaml = gatewayConfigYaml({ servers: [{ name: 'asker', url: asker.url, prefix: 'ask_' }] }).replace(/timeouts:\n(?: {2}.*\n)+/, '');
    expect(yaml).not.toContain('upstreamRequestMs');
    const patient = await startGatewayProcesses({ config: yaml });
    try {
      await patient.waitForUpstreamsReady(['asker']);
      const asked = await patientClient(patient.url);
      const started = Date.now();
      const call = asked.connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'elicitation/create', params: FORM } });
      await asked.asked;
      setTimeout(() => asked.answer({ name: 'after a long think' }), 3_000);
      expect((await call).structuredContent).toEqual({ result: { action: 'accept', content: { name: 'after a long think' } } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    } finally {
      await patient.stop();
    }
  });

  it('ends a call whose question outlives timeouts.upstreamRequestMs with an error, and then refuses the answer', async () => {
    const hasty = await startGatewayProcesses({ config: { servers: [{ name: 'asker', url: asker.url, prefix: 'ask_' }], upstreamRequestMs: 1_500 } });
    try {
      await hasty.waitForUpstreamsReady(['asker']);
      const asked = await patientClient(hasty.url);
      const call = asked.connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'elicitation/create', params: FORM } });
      const { id } = await asked.asked;
      await expect(call).rejects.toThrow(/did not answer|timed out|-32091/i);
      const before = asker.answers().length;
      await waitFor(
        async () => (await rawMcpRequest(hasty.url, answerBody(id, 'too late'), { sessionId: asked.connected.sessionId ?? '' })).status === 400,
        { what: 'the answer to be refused once the call timed out' },
      );
      expect(asker.answers().length).toBe(before);
    } finally {
      await hasty.stop();
    }
  });
});

describe('notifications/roots/list_changed', () => {
  it('reaches the upstream sessions that asked for roots, and only those', async () => {
    const roots = [{ uri: 'file:///srv/one', name: 'one' }];
    const connected = await newClient(gateway.url, {
      capabilities: { roots: { listChanged: true } },
      configure: (client) => client.setRequestHandler('roots/list', () => ({ roots })),
    });
    // Two upstream sessions for this client: asker asks for roots, tester does not.
    await connected.client.callTool({ name: 'ask_ask_client', arguments: { method: 'roots/list' } });
    await connected.client.callTool({ name: 't_echo', arguments: { text: 'hello' } });
    const askerSessions = new Set(asker.received().map((entry) => entry.sessionId));
    const testerBefore = tester.receivedMessages().length;
    await connected.client.sendRootsListChanged();
    const notified = await waitFor(
      () => [...asker.rootsListChanged()].find(([sessionId]) => askerSessions.has(sessionId) && asker.sessionIds().includes(sessionId)),
      { what: 'the asking upstream session to hear roots/list_changed' },
    );
    expect(notified[1]).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tester.receivedMessages().slice(testerBefore).map((entry) => entry.message['method'])).not.toContain('notifications/roots/list_changed');
  });
});
