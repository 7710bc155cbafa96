import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggingMessageNotification, Progress } from '@modelcontextprotocol/client';
import { waitFor } from '@mcp-gateway/testing';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startTestServer, type ReceivedMessage, type TestServer } from './test-server';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function postPing(url: string, sessionId: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...MCP_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' }),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as unknown) : text };
}

function firstText(result: { content?: unknown }): string {
  const [first] = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return first?.text ?? '';
}

describe('test server', () => {
  let server: TestServer;
  const clients: ConnectedClient[] = [];
  const connect = async (...args: Parameters<typeof connectClient> extends [string, ...infer Rest] ? Rest : never) => {
    const connected = await connectClient(server.url, ...args);
    clients.push(connected);
    return connected;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((connected) => connected.close()));
    await server.close();
  });

  it('listens on loopback and lists its tools to an SDK client', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { client } = await connect();
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['whoami', 'slow_count', 'cancellable_wait', 'forget_my_session', 'add_tool', 'elicit_twice', 'list_roots']),
    );
  });

  it('whoami reports the session id the client was given and counts opened sessions', async () => {
    const before = server.sessionsOpened();
    const first = await connect();
    const second = await connect();
    const answer = await second.client.callTool({ name: 'whoami' });
    expect(answer.structuredContent).toEqual({ sessionId: second.sessionId, sessionCount: before + 2 });
    expect(first.sessionId).not.toEqual(second.sessionId);
    expect(server.sessionIds()).toEqual(expect.arrayContaining([first.sessionId, second.sessionId]));
  });

  it('slow_count sends one progress notification per step and a log message mid-call', async () => {
    const logs: LoggingMessageNotification['params'][] = [];
    const { client } = await connect({
      configure: (c) => c.setNotificationHandler('notifications/message', (n) => void logs.push(n.params)),
    });
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: 'slow_count', arguments: { count: 4, delayMs: 10 } },
      { onprogress: (p) => void progress.push(p) },
    );
    expect(firstText(result)).toBe('counted to 4');
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(logs).toEqual([expect.objectContaining({ level: 'info', logger: 'slow_count' })]);
  });

  it('answers 404 for a session after forget_my_session, and 400 in the 400 mode', async () => {
    const forgetful = await connect();
    const sessionId = forgetful.sessionId ?? '';
    expect(firstText(await forgetful.client.callTool({ name: 'forget_my_session' }))).toBe(`forgot session ${sessionId}`);
    expect(await postPing(server.url, sessionId)).toEqual({
      status: 404,
      body: { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null },
    });
    server.setUnknownSessionStatus(400);
    try {
      expect((await postPing(server.url, sessionId)).status).toBe(400);
    } finally {
      server.setUnknownSessionStatus(404);
    }
  });

  it('forgetAllSessions makes every known session unknown while new sessions still open', async () => {
    const connected = await connect();
    expect(server.forgetAllSessions()).toBeGreaterThanOrEqual(1);
    expect((await postPing(server.url, connected.sessionId ?? '')).status).toBe(404);
    const fresh = await connect();
    expect((await postPing(server.url, fresh.sessionId ?? '')).status).toBe(200);
  });

  it('a forced status answers every request with that status until cleared', async () => {
    const connected = await connect();
    server.setForcedStatus(503);
    try {
      expect((await postPing(server.url, connected.sessionId ?? '')).status).toBe(503);
    } finally {
      server.setForcedStatus(undefined);
    }
    expect((await postPing(server.url, connected.sessionId ?? '')).status).toBe(200);
  });

  it('add_tool registers a tool and tells connected clients the tool list changed', async () => {
    let changed: () => void = () => undefined;
    const listChanged = new Promise<void>((resolve) => (changed = resolve));
    const { client, sessionId } = await connect({
      configure: (c) => c.setNotificationHandler('notifications/tools/list_changed', () => changed()),
    });
    await client.listTools();
    // The notification travels on the GET stream, which the client opens after initialize.
    await waitFor(() => server.openGetStreams().includes(sessionId ?? '') || undefined);
    await client.callTool({ name: 'add_tool', arguments: { name: 'added_by_test' } });
    await listChanged;
    const names = (await client.listTools(undefined, { cacheMode: 'refresh' })).tools.map((tool) => tool.name);
    expect(names).toContain('added_by_test');
    expect(firstText(await client.callTool({ name: 'added_by_test' }))).toBe('added_by_test was added at runtime');
    // Sessions opened later see it too.
    const later = await connect();
    expect((await later.client.listTools()).tools.map((tool) => tool.name)).toContain('added_by_test');
  });

  it('records the notifications/cancelled that ends a cancellable_wait', async () => {
    const { client, sessionId } = await connect();
    const abort = new AbortController();
    const call = client.callTool({ name: 'cancellable_wait' }, { signal: abort.signal });
    const waitCall = (): ReceivedMessage | undefined =>
      server
        .receivedMessages()
        .find((r) => r.sessionId === sessionId && (r.message['params'] as { name?: string })?.name === 'cancellable_wait');
    await waitFor(waitCall);
    abort.abort('test is done waiting');
    await expect(call).rejects.toThrow();
    await waitFor(() => server.cancelledRequests().some((c) => c.sessionId === sessionId) || undefined);
    expect(server.cancelledRequests()).toContainEqual({
      sessionId,
      requestId: waitCall()?.message['id'],
      reason: expect.stringContaining('test is done waiting'),
    });
  });

  it('elicit_twice asks two form questions in one call and returns both answers', async () => {
    const asked: string[] = [];
    const { client } = await connect({
      capabilities: { elicitation: { form: {} } },
      configure: (c) =>
        c.setRequestHandler('elicitation/create', (request) => {
          asked.push(request.params.message);
          const content: Record<string, string> = asked.length === 1 ? { name: 'Ada' } : { colour: 'green' };
          return { action: 'accept', content };
        }),
    });
    const result = await client.callTool({ name: 'elicit_twice' });
    expect(asked).toEqual(['What is your name?', 'Pick a colour']);
    expect(result.structuredContent).toEqual({
      first: { action: 'accept', content: { name: 'Ada' } },
      second: { action: 'accept', content: { colour: 'green' } },
    });
  });

  it('list_roots returns the roots the client answers roots/list with', async () => {
    const roots = [{ uri: 'file:///work/project', name: 'project' }];
    const { client } = await connect({
      capabilities: { roots: { listChanged: true } },
      configure: (c) => c.setRequestHandler('roots/list', () => ({ roots })),
    });
    const result = await client.callTool({ name: 'list_roots' });
    expect(result.structuredContent).toEqual({ roots });
  });

  it('can stop listening and listen again on the same port with no sessions', async () => {
    const restartable = await startTestServer();
    const connected = await connectClient(restartable.url);
    const { port } = restartable;
    await restartable.close();
    await expect(fetch(restartable.url, { method: 'POST', headers: MCP_HEADERS, body: '{}' })).rejects.toThrow();
    const again = await startTestServer({ port });
    try {
      expect(again.url).toBe(restartable.url);
      expect((await postPing(again.url, connected.sessionId ?? '')).status).toBe(404);
    } finally {
      await connected.client.close();
      await again.close();
    }
  });
});
