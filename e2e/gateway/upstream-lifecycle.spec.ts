// Upstreams coming and going while clients stay connected: a killed upstream's entries
// leave the catalog and every client with a notification stream hears
// notifications/tools/list_changed within 5 s; the rest of the gateway keeps working; when
// the upstream is back on the same port its tools return (and clients hear it again). An
// upstream that changes its own tool list is followed too.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { startCalculatorServer } from '../servers/calculator-server';
import type { StreamableHttpHost } from '../servers/streamable-http-host';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

const NOTIFICATION_DEADLINE_MS = 5_000;

let volatile: TestServer;
let volatilePort: number;
let calculator: StreamableHttpHost;
let gateway: GatewayProcesses;
let connected: ConnectedClient;
let toolListChanges: number[] = [];

beforeAll(async () => {
  volatile = await startTestServer({ name: 'volatile' });
  volatilePort = volatile.port;
  calculator = await startCalculatorServer();
  gateway = await startGatewayProcesses({
    config: {
      servers: [
        { name: 'volatile', url: volatile.url, prefix: 'vol_' },
        { name: 'calculator', url: calculator.url, prefix: 'calc_' },
      ],
    },
  });
  await gateway.waitForUpstreamsReady(['volatile', 'calculator']);
  connected = await connectClient(gateway.url, {
    configure: (client) => client.setNotificationHandler('notifications/tools/list_changed', () => void toolListChanges.push(Date.now())),
  });
  // The SDK opens its GET notification stream after initialize; list_changed arrives there.
  await waitFor(async () => ((await fetch(gateway.brokerStatusUrl).then((r) => r.json())) as { notificationStreams: number }).notificationStreams > 0, {
    what: "the client's notification stream to be open",
  });
}, 60_000);

afterAll(async () => {
  await connected?.close();
  await gateway?.stop();
  await calculator?.close();
  await volatile?.close();
});

async function toolNames(): Promise<string[]> {
  return (await connected.client.listTools()).tools.map((tool) => tool.name);
}

describe('an upstream that dies and comes back', () => {
  it('drops the killed upstream’s tools and notifies the client within 5 s; the other server keeps working', async () => {
    expect(await toolNames()).toContain('vol_whoami');
    toolListChanges = [];
    const killedAt = Date.now();
    await volatile.close();

    const heardAt = await waitFor(() => toolListChanges[0], { timeoutMs: NOTIFICATION_DEADLINE_MS, what: 'tools/list_changed after the kill' });
    expect(heardAt - killedAt).toBeLessThan(NOTIFICATION_DEADLINE_MS);
    const names = await toolNames();
    expect(names.filter((name) => name.startsWith('vol_'))).toEqual([]);
    expect(names).toContain('calc_add');

    const sum = await connected.client.callTool({ name: 'calc_add', arguments: { a: 20, b: 22 } });
    expect(sum.structuredContent).toEqual({ result: 42 });
    await expect(connected.client.callTool({ name: 'vol_whoami', arguments: {} })).rejects.toThrow(/vol_whoami/);

    const row = (await gateway.status()).upstreams.find((upstream) => upstream.name === 'volatile');
    expect(row?.state).toBe('failed');
    expect(row?.lastError).toBeTruthy();
    expect(row?.counts.tools).toBe(0);
  });

  it('brings the tools back when the upstream listens again on the same port, and notifies the client', async () => {
    toolListChanges = [];
    const restartedAt = Date.now();
    volatile = await startTestServer({ name: 'volatile', port: volatilePort });

    const heardAt = await waitFor(() => toolListChanges[0], { timeoutMs: NOTIFICATION_DEADLINE_MS, what: 'tools/list_changed after the restart' });
    expect(heardAt - restartedAt).toBeLessThan(NOTIFICATION_DEADLINE_MS);
    expect(await toolNames()).toEqual(expect.arrayContaining(['vol_whoami', 'vol_echo', 'calc_add']));

    // The client's old upstream session died with the old process: the router opens a new one.
    const echoed = await connected.client.callTool({ name: 'vol_echo', arguments: { text: 'back again' } });
    expect((echoed.content as Array<{ text: string }>)[0]?.text).toBe('back again');
    expect((await gateway.status()).upstreams.find((upstream) => upstream.name === 'volatile')?.state).toBe('ready');
  });
});

describe('an upstream that changes its own tool list', () => {
  it('passes the new tool on under the prefix and notifies the client, without renaming any existing tool', async () => {
    const before = await toolNames();
    toolListChanges = [];
    volatile.addTool('fresh_tool');
    await waitFor(() => toolListChanges[0], { timeoutMs: NOTIFICATION_DEADLINE_MS, what: 'tools/list_changed after add_tool' });
    const after = await waitFor(async () => {
      const names = await toolNames();
      return names.includes('vol_fresh_tool') && names;
    });
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(before.length + 1);
    const result = await connected.client.callTool({ name: 'vol_fresh_tool', arguments: {} });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('fresh_tool was added at runtime');
  });
});
