import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { GatewaySessionIdCodec } from '@mcp-gateway/session-store';
import { startProcess } from '@mcp-gateway/testing';
import type { ManagedProcess } from '@mcp-gateway/testing';
import { startBrokerStandIn } from './test-doubles/broker-stand-in';
import type { BrokerStandIn } from './test-doubles/broker-stand-in';
import { RoutingTableServiceDouble } from './test-doubles/routing-table-service-double';
import { startUpstreamMcpServer } from './test-doubles/upstream-mcp-server';
import type { UpstreamMcpServer } from './test-doubles/upstream-mcp-server';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = path.join('apps', 'router', 'src', 'main.ts');

describe('router process (main.ts)', () => {
  const secret = randomBytes(32).toString('base64url');
  let upstream: UpstreamMcpServer;
  let broker: BrokerStandIn;
  let routingService: RoutingTableServiceDouble;
  let directory: string;
  let configPath: string;

  beforeAll(async () => {
    upstream = await startUpstreamMcpServer('calculator', (server) =>
      server.registerTool('add', { inputSchema: z.object({ a: z.number(), b: z.number() }) }, async ({ a, b }) => ({
        content: [{ type: 'text', text: String(a + b) }],
      })),
    );
    broker = await startBrokerStandIn(new GatewaySessionIdCodec(secret));
    routingService = await RoutingTableServiceDouble.start({
      version: 1,
      servers: [{ name: 'calculator', url: upstream.url, prefix: 'calc_' }],
      tools: [{ gatewayName: 'calc_add', server: 'calculator', upstreamName: 'add' }],
    });
    directory = mkdtempSync(path.join(tmpdir(), 'router-main-'));
    configPath = path.join(directory, 'gateway.yaml');
    writeFileSync(configPath, `servers:\n  - name: calculator\n    url: ${upstream.url}\n    prefix: calc_\nbroker:\n  reconnect:\n    initialDelayMs: 50\n    maxDelayMs: 200\n`);
  });

  afterAll(async () => {
    await routingService.stop();
    await broker.stop();
    await upstream.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('logs "router listening" with its port, routes calls, stays ready without the broker, and exits 0 on SIGTERM', async () => {
    let router: ManagedProcess | undefined;
    try {
      router = await startProcess(
        process.execPath,
        ['--import', 'tsx', MAIN, '--config', configPath, '--port', '0', '--broker-url', broker.url, '--broker-grpc', routingService.address],
        { cwd: repositoryRoot, env: { GATEWAY_SESSION_SECRET: secret }, readyPattern: /router listening/, readyTimeoutMs: 20_000 },
      );
      const line = (await router.waitForOutput(/^.*"msg":"router listening".*$/m))[0];
      const port = (JSON.parse(line) as { port: number }).port;
      expect(port).toBeGreaterThan(0);
      const base = `http://127.0.0.1:${port}`;
      // Ready once the routing table arrived.
      for (let i = 0; i < 100 && (await fetch(`${base}/readyz`)).status !== 200; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('mcp_gateway_');

      const client = new Client({ name: 'main-spec', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
      expect(await client.callTool({ name: 'calc_add', arguments: { a: 2, b: 3 } })).toMatchObject({ content: [{ type: 'text', text: '5' }] });

      // The broker's gRPC side goes away: routing continues from the last table.
      await routingService.stop();
      expect(await client.callTool({ name: 'calc_add', arguments: { a: 4, b: 4 } })).toMatchObject({ content: [{ text: '8' }] });
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      await client.close();

      await router.stop('SIGTERM');
      expect(await router.exited).toBe(0);
      expect(router.output()).toContain('router stopping');
    } finally {
      await router?.kill().catch(() => undefined);
    }
  }, 30_000);

  it('exits 2 naming the problem when a flag is unknown', async () => {
    const router = await startProcess(process.execPath, ['--import', 'tsx', MAIN, '--frobnicate', 'yes'], { cwd: repositoryRoot });
    expect(await router.exited).toBe(2);
    expect(router.output()).toContain('unknown flag --frobnicate');
  }, 20_000);
});
