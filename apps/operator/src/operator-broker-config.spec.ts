// The config the operator writes is the config the broker runs on: a registration becomes a
// gateway config Secret; the real broker process, started with that file (cluster DNS played
// by a preload that sends *.svc.cluster.local to this machine), connects to the registered
// MCP server and serves its tools under the registration's prefix.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeKubeApiServer } from '@mcp-gateway/kube-fake';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort, startProcess, waitFor, type ManagedProcess } from '@mcp-gateway/testing';
import { Resources } from './kube/kube-resource';
import { ClusterActor, conditionOf, REPOSITORY_ROOT, secretText } from './spec-support/cluster-actor';
import { createGateway, createUpstream, registration } from './spec-support/gateway-fixtures';
import { startInProcessOperator, type InProcessOperator } from './spec-support/operator-harness';

jest.setTimeout(40_000);

interface BrokerStatus {
  upstreams: Array<{ name: string; url: string; prefix: string; state: string; counts: { tools: number } }>;
  catalog: { tools: number };
}

describe('the broker runs on the config the operator generates', () => {
  let server: FakeKubeApiServer;
  let directory: string;
  let actor: ClusterActor;
  let operator: InProcessOperator;
  let upstream: ManagedProcess;
  let broker: ManagedProcess | undefined;
  let upstreamPort: number;

  beforeAll(async () => {
    // The reference "everything" server, kept on loopback by the e2e preload. It answers any
    // Host, as a server behind a cluster Service must.
    upstreamPort = await freePort();
    upstream = await startProcess(
      process.execPath,
      ['--require', path.join(REPOSITORY_ROOT, 'e2e/servers/loopback-preload.cjs'), path.join(REPOSITORY_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'streamableHttp'],
      { env: { PORT: String(upstreamPort) }, readyPattern: /listening on port/i, readyTimeoutMs: 20_000 },
    );
    server = await FakeKubeApiServer.start();
    directory = await mkdtemp(path.join(tmpdir(), 'operator-broker-'));
    await server.writeKubeconfig(path.join(directory, 'kubeconfig'));
    actor = ClusterActor.fromFile(path.join(directory, 'kubeconfig'));
    await actor.installCrds();
    await actor.createNamespace('tools');
    await createGateway(actor, { namespace: 'tools', name: 'edge' });
    await actor.apply(Resources.MCPGatewayExtension, { apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPGatewayExtension', metadata: { name: 'gw', namespace: 'tools' }, spec: { targetRef: { name: 'edge' } } });
    operator = await startInProcessOperator({ kubeconfigPath: path.join(directory, 'kubeconfig') });
  });

  afterAll(async () => {
    await broker?.stop();
    await upstream?.stop();
    await operator?.stop();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('connects to the registered server and lists its tools under the registration prefix', async () => {
    await createUpstream(actor, { namespace: 'tools', name: 'everything', port: upstreamPort, gateway: { namespace: 'tools', name: 'edge' } });
    await actor.apply(Resources.MCPServerRegistration, registration('tools', 'everything', { targetRef: { name: 'everything' }, prefix: 'ev_' }));
    await waitFor(async () => (conditionOf(await actor.get(Resources.MCPServerRegistration, 'tools', 'everything'), 'Ready')?.status === 'True' ? true : undefined), { what: 'the registration Ready' });

    const configFile = path.join(directory, 'gateway.yaml');
    await writeFile(configFile, secretText(await actor.get(Resources.Secret, 'tools', 'gw-config'), 'gateway.yaml') ?? '');
    broker = await startProcess(
      'node',
      ['--require', path.join(REPOSITORY_ROOT, 'apps/operator/src/spec-support/cluster-dns-preload.cjs'), '--import', 'tsx', path.join(REPOSITORY_ROOT, 'apps/broker/src/main.ts'), '--config', configFile, '--http-port', '0', '--grpc-port', '0'],
      { cwd: REPOSITORY_ROOT, readyPattern: /broker listening/, readyTimeoutMs: 20_000 },
    );
    const brokerPort = Number((await broker.waitForOutput(/"httpPort":(\d+)/))[1]);
    const status = await waitFor(
      async () => {
        const report = (await (await fetch(`http://127.0.0.1:${brokerPort}/status`)).json()) as BrokerStatus;
        return report.upstreams[0]?.state === 'ready' && report.catalog.tools > 0 ? report : undefined;
      },
      { what: 'the broker connected to the registered server', timeoutMs: 15_000 },
    );
    expect(status.upstreams).toEqual([expect.objectContaining({ name: 'tools-everything', url: `http://everything.tools.svc.cluster.local:${upstreamPort}/mcp`, prefix: 'ev_' })]);
    expect(status.upstreams[0]?.counts.tools).toBeGreaterThan(0);

    const client = new Client({ name: 'operator-spec', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${brokerPort}/mcp`)));
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBe(status.upstreams[0]?.counts.tools);
      expect(tools.every((tool) => tool.name.startsWith('ev_'))).toBe(true);
      expect(tools.map((tool) => tool.name)).toContain('ev_echo');
    } finally {
      await client.close();
    }
  });
});
