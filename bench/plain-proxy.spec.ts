import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startPlainProxy } from './plain-proxy';
import type { PlainProxy } from './plain-proxy';
import { startFastUpstream } from './upstream/fast-upstream';
import type { FastUpstream } from './upstream/fast-upstream';

describe('plain proxy', () => {
  let upstream: FastUpstream;
  let proxy: PlainProxy;

  beforeAll(async () => {
    upstream = await startFastUpstream();
    proxy = await startPlainProxy({ target: new URL(`http://127.0.0.1:${upstream.port}`) });
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('carries a whole MCP session to the upstream unchanged, session header included', async () => {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${proxy.port}/mcp`));
    await client.connect(transport);
    try {
      expect(upstream.sessionCount()).toBe(1);
      const echoed = await client.callTool({ name: 'echo', arguments: { text: 'through the proxy' } });
      expect(echoed.content).toEqual([{ type: 'text', text: 'through the proxy' }]);
    } finally {
      await transport.terminateSession();
      await client.close();
    }
    expect(upstream.sessionCount()).toBe(0);
  });

  it('answers 502 when the upstream is unreachable', async () => {
    const dead = await startFastUpstream();
    const port = dead.port;
    await dead.close();
    const orphan = await startPlainProxy({ target: new URL(`http://127.0.0.1:${port}`) });
    try {
      const response = await fetch(`http://127.0.0.1:${orphan.port}/mcp`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(502);
    } finally {
      await orphan.close();
    }
  });
});
