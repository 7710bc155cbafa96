import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { startEverythingServer, type EverythingServer } from './everything';

/** Local addresses of the sockets listening on `port`, from the kernel's table (Linux). */
async function listeningAddresses(port: number): Promise<string[]> {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(table, 'utf8')).split('\n').slice(1);
    for (const row of rows) {
      const [, local, , state] = row.trim().split(/\s+/);
      const [hexAddress, hexPort] = (local ?? '').split(':');
      if (state !== '0A' || hexAddress === undefined || Number.parseInt(hexPort ?? '', 16) !== port) continue;
      // IPv4 entries are one little-endian 32-bit word; anything else is reported raw.
      addresses.push(
        hexAddress.length === 8
          ? (hexAddress.match(/../g) ?? []).reverse().map((byte) => Number.parseInt(byte, 16)).join('.')
          : hexAddress,
      );
    }
  }
  return addresses;
}

describe('everything server', () => {
  let server: EverythingServer;
  let connected: ConnectedClient | undefined;

  beforeAll(async () => {
    server = await startEverythingServer();
  }, 30_000);
  afterAll(async () => {
    await connected?.close();
    await server.close();
  });

  it('listens on loopback only', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(await listeningAddresses(server.port)).toEqual(['127.0.0.1']);
  });

  it('lists its tools and answers a call over streamable HTTP', async () => {
    connected = await connectClient(server.url);
    const names = (await connected.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    const answer = await connected.client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect(JSON.stringify(answer.content)).toContain('hi');
  });
});
