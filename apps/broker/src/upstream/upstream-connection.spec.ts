import { afterEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import type { UpstreamServerConfig } from '@mcp-gateway/config';
import { SpecUpstreamServer } from '../spec-support/spec-upstream-server';
import { captureLog } from '../spec-support/captured-log';
import { UpstreamConnection } from './upstream-connection';
import type { UpstreamConnectionSettings } from './upstream-connection';

const FAST: UpstreamConnectionSettings = {
  connectTimeoutMs: 2_000,
  pingIntervalMs: 200,
  listChangedDebounceMs: 50,
  reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(name: string, definition: Parameters<typeof SpecUpstreamServer.start>[1]): Promise<SpecUpstreamServer> {
  const server = await SpecUpstreamServer.start(name, definition);
  cleanups.push(() => server.stop());
  return server;
}

function connect(server: Partial<UpstreamServerConfig> & { url: string }, headers: Record<string, string> = {}, settings = FAST) {
  const log = captureLog();
  let changes = 0;
  const connection = new UpstreamConnection({
    server: { name: 'up', prefix: '', enabled: true, headers: {}, ...server },
    settings,
    resolveHeaders: async () => headers,
    clientInfo: { name: 'broker-spec', version: '0' },
    logger: log.logger,
    onChange: () => {
      changes++;
    },
  });
  cleanups.push(() => connection.close());
  connection.start();
  return { connection, log, changes: () => changes };
}

const ready = (connection: UpstreamConnection) =>
  waitFor(() => (connection.currentState === 'ready' ? connection.currentListing : undefined), { timeoutMs: 5_000, what: 'upstream ready' });

describe('UpstreamConnection', () => {
  it('lists every family across all pages of the upstream', async () => {
    const server = await upstream('paged', {
      tools: Array.from({ length: 23 }, (_, index) => `t${index}`),
      prompts: ['p1', 'p2', 'p3'],
      resources: ['mem://1', 'mem://2', 'mem://3'],
      resourceTemplates: ['mem://{id}'],
      pageSize: 2,
    });
    const { connection } = connect({ url: server.url });
    const listing = await ready(connection);
    expect(listing.tools.map((tool) => tool.name)).toEqual(Array.from({ length: 23 }, (_, index) => `t${index}`));
    expect(listing.prompts.map((prompt) => prompt.name)).toEqual(['p1', 'p2', 'p3']);
    expect(listing.resources.map((resource) => resource.uri)).toEqual(['mem://1', 'mem://2', 'mem://3']);
    expect(listing.resourceTemplates.map((template) => template.uriTemplate)).toEqual(['mem://{id}']);
    expect(connection.status()).toMatchObject({ state: 'ready', protocolVersion: '2025-11-25', counts: { tools: 23, prompts: 3 } });
  });

  it('re-lists after the upstream announces tools/list_changed', async () => {
    const server = await upstream('changing', { tools: ['a'] });
    const { connection } = connect({ url: server.url });
    await ready(connection);
    await server.setTools(['a', 'b']);
    await waitFor(() => (connection.currentListing?.tools.length === 2 ? true : undefined), { timeoutMs: 5_000, what: 're-listed tools' });
    expect(connection.currentListing?.tools.map((tool) => tool.name)).toEqual(['a', 'b']);
  });

  it('coalesces a burst of list_changed into one re-list', async () => {
    const server = await upstream('bursty', { tools: ['a'] });
    const { connection } = connect({ url: server.url }, {}, { ...FAST, listChangedDebounceMs: 300 });
    await ready(connection);
    const before = server.listCalls['tools/list'] ?? 0;
    for (let i = 0; i < 5; i++) await server.setTools(['a', `b${i}`]);
    await waitFor(() => (connection.currentListing?.tools[1]?.name === 'b4' ? true : undefined), { timeoutMs: 5_000, what: 'final list' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    // One re-list for the whole burst, not five.
    expect((server.listCalls['tools/list'] ?? 0) - before).toBe(1);
  });

  it('fails when the upstream dies, drops its listing, and comes back when it returns', async () => {
    const server = await upstream('mortal', { tools: ['a'] });
    const { connection } = connect({ url: server.url });
    await ready(connection);
    await server.stop();
    await waitFor(() => (connection.currentState === 'failed' ? true : undefined), { timeoutMs: 5_000, what: 'failed state' });
    expect(connection.currentListing).toBeUndefined();
    expect(connection.status().lastError).toBeTruthy();
    await server.restart();
    const listing = await ready(connection);
    expect(listing.tools.map((tool) => tool.name)).toEqual(['a']);
    expect(connection.status().lastError).toBeUndefined();
  });

  it('sends the credential headers and never logs or reports their values', async () => {
    const secret = 'Bearer s3cr3t-token-value';
    const server = await upstream('guarded', { tools: ['a'], requiredHeaders: { authorization: secret } });
    const good = connect({ url: server.url }, { Authorization: secret });
    await ready(good.connection);
    expect(server.receivedHeaders.some((headers) => headers['authorization'] === secret)).toBe(true);

    const bad = connect({ url: server.url, name: 'guarded-wrong' }, { Authorization: 'Bearer wrong-token-value' });
    await waitFor(() => (bad.connection.currentState === 'failed' ? true : undefined), { timeoutMs: 5_000, what: 'failed state' });
    for (const { log, connection } of [good, bad]) {
      expect(log.text()).not.toContain('s3cr3t-token-value');
      expect(log.text()).not.toContain('wrong-token-value');
      expect(JSON.stringify(connection.status())).not.toContain('token-value');
    }
  });

  it('gives up on an unreachable upstream within the connect timeout and retries with backoff', async () => {
    const server = await upstream('gone', { tools: ['a'] });
    const url = server.url;
    await server.stop();
    const { connection } = connect({ url });
    await waitFor(() => (connection.currentState === 'failed' ? true : undefined), { timeoutMs: 3_000, what: 'failed state' });
    const status = connection.status();
    expect(status.nextRetryAt).toBeDefined();
    expect(Date.parse(status.nextRetryAt ?? '') - Date.now()).toBeLessThanOrEqual(FAST.reconnect.maxDelayMs);
  });

  it('shows the URL without user-info credentials', async () => {
    const { connection } = connect({ url: 'http://alice:pa55word@127.0.0.1:9/mcp' });
    expect(connection.status().url).toBe('http://127.0.0.1:9/mcp');
  });
});
