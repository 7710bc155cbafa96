// The config file changes under a running gateway: servers added or removed reach the
// catalog, the routing of both processes and every connected client (list_changed)
// without a restart; a broken file changes nothing and is reported. Name conflicts
// between servers follow the documented rule (first in the file keeps the name) and are
// visible in the broker's /status.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { gatewayConfigYaml, startGatewayProcesses, type GatewayProcesses, type GatewayServerEntry } from './support/gateway-processes';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

async function toolNames(connected: ConnectedClient): Promise<string[]> {
  return (await connected.client.listTools()).tools.map((tool) => tool.name);
}

async function staticResourceOwner(connected: ConnectedClient, uri: string): Promise<string> {
  const read = await connected.client.readResource({ uri });
  return (read.contents[0] as { text: string }).text.replace('static resource of ', '');
}

describe('hot reload of the config file', () => {
  let alpha: TestServer;
  let beta: TestServer;
  let gateway: GatewayProcesses;
  let connected: ConnectedClient;
  let changes: number[] = [];
  const alphaEntry: GatewayServerEntry = { name: 'alpha', url: '', prefix: 'a_' };
  const betaEntry: GatewayServerEntry = { name: 'beta', url: '', prefix: 'b_' };

  beforeAll(async () => {
    alpha = await startTestServer({ name: 'alpha' });
    beta = await startTestServer({ name: 'beta' });
    alphaEntry.url = alpha.url;
    betaEntry.url = beta.url;
    gateway = await startGatewayProcesses({ config: { servers: [alphaEntry] } });
    await gateway.waitForUpstreamsReady(['alpha']);
    connected = await connectClient(gateway.url, {
      configure: (client) => client.setNotificationHandler('notifications/tools/list_changed', () => void changes.push(Date.now())),
    });
    await waitFor(async () => ((await fetch(gateway.brokerStatusUrl).then((r) => r.json())) as { notificationStreams: number }).notificationStreams > 0, {
      what: "the client's notification stream to be open",
    });
  }, 60_000);

  afterAll(async () => {
    await connected?.close();
    await gateway?.stop();
    await beta?.close();
    await alpha?.close();
  });

  it('adds a server written into the file: its tools appear, clients are notified, and calls reach it', async () => {
    changes = [];
    await gateway.rewriteConfig(gatewayConfigYaml({ servers: [alphaEntry, betaEntry] }));
    await waitFor(() => changes.length > 0, { what: 'tools/list_changed after adding beta' });
    expect(await toolNames(connected)).toEqual(expect.arrayContaining(['a_whoami', 'b_whoami']));
    // The router learned beta's URL from its own reload of the same file.
    const result = await waitFor(
      async () => {
        const echoed = await connected.client.callTool({ name: 'b_echo', arguments: { text: 'hello beta' } });
        return echoed.isError ? undefined : echoed;
      },
      { what: 'a call to the new server to succeed' },
    );
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('hello beta');
    expect(await staticResourceOwner(connected, 'b_test://static')).toBe('beta');
  });

  it('removes a server deleted from the file: its tools leave, clients are notified, its names become unknown', async () => {
    changes = [];
    await gateway.rewriteConfig(gatewayConfigYaml({ servers: [betaEntry] }));
    await waitFor(() => changes.length > 0, { what: 'tools/list_changed after removing alpha' });
    const names = await toolNames(connected);
    expect(names.filter((name) => name.startsWith('a_'))).toEqual([]);
    expect(names).toContain('b_whoami');
    await expect(connected.client.callTool({ name: 'a_whoami', arguments: {} })).rejects.toThrow(/a_whoami/);
    expect((await gateway.status()).upstreams.map((row) => row.name)).toEqual(['beta']);
  });

  it('keeps the last good configuration when the file becomes invalid, and says why in both processes’ logs', async () => {
    const before = await gateway.status();
    const namesBefore = await toolNames(connected);
    changes = [];
    await gateway.rewriteConfig('servers:\n  - name: beta\n    url: not a url\n    prefx: oops\n');
    await gateway.broker.waitForOutput(/configuration file is invalid/, 5_000);
    await gateway.router.waitForOutput(/config file is invalid/, 5_000);
    // What the operator reads: which field is wrong.
    expect(gateway.broker.output()).toMatch(/servers\[0\]\.url/);
    expect(gateway.broker.output()).toMatch(/prefx/);

    const after = await gateway.status();
    expect(after.catalogVersion).toBe(before.catalogVersion);
    expect(after.upstreams.map((row) => [row.name, row.state])).toEqual([['beta', 'ready']]);
    expect(await toolNames(connected)).toEqual(namesBefore);
    const echoed = await connected.client.callTool({ name: 'b_echo', arguments: { text: 'still routed' } });
    expect((echoed.content as Array<{ text: string }>)[0]?.text).toBe('still routed');
    expect(changes).toEqual([]);
  });

  it('picks up a valid file again after a broken one', async () => {
    changes = [];
    await gateway.rewriteConfig(gatewayConfigYaml({ servers: [betaEntry, alphaEntry] }));
    await waitFor(() => changes.length > 0, { what: 'tools/list_changed after the fix' });
    expect(await toolNames(connected)).toEqual(expect.arrayContaining(['a_whoami', 'b_whoami']));
  });
});

describe('name conflicts between servers', () => {
  let first: TestServer;
  let second: TestServer;
  let third: TestServer;
  let gateway: GatewayProcesses;
  let connected: ConnectedClient;

  beforeAll(async () => {
    first = await startTestServer({ name: 'first' });
    second = await startTestServer({ name: 'second' });
    third = await startTestServer({ name: 'third' });
    // Two servers without a prefix publish the same names.
    gateway = await startGatewayProcesses({
      config: {
        servers: [
          { name: 'first', url: first.url },
          { name: 'second', url: second.url },
        ],
      },
    });
    await gateway.waitForUpstreamsReady(['first', 'second']);
    connected = await connectClient(gateway.url);
  }, 60_000);

  afterAll(async () => {
    await connected?.close();
    await gateway?.stop();
    await third?.close();
    await second?.close();
    await first?.close();
  });

  it('gives a contested name to the server listed first in the file and routes it there', async () => {
    const names = await toolNames(connected);
    expect(names.filter((name) => name === 'whoami')).toHaveLength(1);
    expect(await staticResourceOwner(connected, 'test://static')).toBe('first');
    const echoed = await connected.client.callTool({ name: 'echo', arguments: { text: 'who gets this?' } });
    expect((echoed.content as Array<{ text: string }>)[0]?.text).toBe('who gets this?');
    expect(first.receivedMessages().some((entry) => entry.message['method'] === 'tools/call')).toBe(true);
    expect(second.receivedMessages().some((entry) => entry.message['method'] === 'tools/call')).toBe(false);
  });

  it('shows every conflict in /status with the server that kept the name and the one left out', async () => {
    const { conflicts } = await gateway.status();
    expect(conflicts).toEqual(
      expect.arrayContaining([
        { kind: 'tool', gatewayKey: 'whoami', keptServer: 'first', droppedServer: 'second' },
        { kind: 'tool', gatewayKey: 'echo', keptServer: 'first', droppedServer: 'second' },
        { kind: 'prompt', gatewayKey: 'echo_prompt', keptServer: 'first', droppedServer: 'second' },
        { kind: 'resource', gatewayKey: 'test://static', keptServer: 'first', droppedServer: 'second' },
      ]),
    );
    expect(conflicts.every((conflict) => conflict.keptServer === 'first' && conflict.droppedServer === 'second')).toBe(true);
  });

  it('never renames an existing tool when a server with the same names is added at the end', async () => {
    const before = await toolNames(connected);
    await gateway.rewriteConfig(
      gatewayConfigYaml({
        servers: [
          { name: 'first', url: first.url },
          { name: 'second', url: second.url },
          { name: 'third', url: third.url },
        ],
      }),
    );
    const status = await gateway.waitForUpstreamsReady(['first', 'second', 'third']);
    expect(status.conflicts.filter((conflict) => conflict.droppedServer === 'third').map((conflict) => conflict.keptServer)).toEqual(
      expect.arrayContaining(['first']),
    );
    expect(await toolNames(connected)).toEqual(before);
    expect(await staticResourceOwner(connected, 'test://static')).toBe('first');
  });
});
