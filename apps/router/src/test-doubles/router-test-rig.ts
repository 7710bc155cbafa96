// One in-process router wired to real parts for specs: SDK v2 upstream servers on free
// ports, the gRPC routing-table double (real proto, real socket), the broker stand-in, an
// in-memory session store and a session id codec — plus a helper to connect a real SDK v2
// Client through the router. Specs only.

import { randomBytes } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ClientCapabilities } from '@modelcontextprotocol/client';
import { parseGatewayConfig } from '@mcp-gateway/config';
import type { GatewayConfig } from '@mcp-gateway/config';
import { GatewaySessionIdCodec, InMemorySessionStore } from '@mcp-gateway/session-store';
import type { SessionStore } from '@mcp-gateway/session-store';
import { pino } from 'pino';
import { startRouter } from '../start-router';
import type { RunningRouter } from '../start-router';
import { startBrokerStandIn } from './broker-stand-in';
import type { BrokerStandIn } from './broker-stand-in';
import { RoutingTableServiceDouble } from './routing-table-service-double';
import type { SnapshotInput } from './routing-table-service-double';
import type { UpstreamMcpServer } from './upstream-mcp-server';

export interface RigServer {
  readonly upstream: UpstreamMcpServer;
  readonly prefix: string;
  readonly tools?: string[];
  readonly prompts?: string[];
  readonly resources?: string[];
  readonly resourceTemplates?: string[];
}

export interface RouterTestRig {
  readonly router: RunningRouter;
  readonly url: string;
  readonly config: GatewayConfig;
  readonly store: SessionStore;
  readonly codec: GatewaySessionIdCodec;
  readonly broker: BrokerStandIn;
  readonly routingService: RoutingTableServiceDouble;
  /** Snapshot the routing double serves for `servers` (version given). */
  snapshotFor(servers: readonly RigServer[], version: number): SnapshotInput;
  connectClient(options?: ConnectClientOptions): Promise<{ client: Client; transport: StreamableHTTPClientTransport }>;
  close(): Promise<void>;
}

export interface ConnectClientOptions {
  readonly name?: string;
  readonly capabilities?: ClientCapabilities;
  /** Runs before connect (e.g. setRequestHandler for elicitation). */
  readonly configure?: (client: Client) => void;
}

export interface RouterTestRigOptions {
  readonly servers: readonly RigServer[];
  /** Extra YAML appended to the generated config (limits, timeouts…). */
  readonly extraConfig?: string;
  /** A store to use (e.g. Redis) instead of a fresh in-memory one; closed by the rig. */
  readonly store?: SessionStore;
  /** Receives the router's log lines (JSON); silent without it. */
  readonly logLines?: string[];
}

function snapshotFor(servers: readonly RigServer[], version: number): SnapshotInput {
  return {
    version,
    servers: servers.map((s) => ({ name: s.upstream.name, url: s.upstream.url, prefix: s.prefix })),
    tools: servers.flatMap((s) => (s.tools ?? []).map((t) => ({ gatewayName: s.prefix + t, server: s.upstream.name, upstreamName: t }))),
    prompts: servers.flatMap((s) => (s.prompts ?? []).map((p) => ({ gatewayName: s.prefix + p, server: s.upstream.name, upstreamName: p }))),
    resources: servers.flatMap((s) => (s.resources ?? []).map((r) => ({ gatewayUri: s.prefix + r, server: s.upstream.name, upstreamUri: r }))),
    resourceTemplates: servers.flatMap((s) =>
      (s.resourceTemplates ?? []).map((t) => ({ gatewayUriTemplate: s.prefix + t, server: s.upstream.name, upstreamUriTemplate: t })),
    ),
  };
}

export async function startRouterTestRig(options: RouterTestRigOptions): Promise<RouterTestRig> {
  const logLines = options.logLines;
  const logger = logLines
    ? pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) })
    : pino({ enabled: false });
  const codec = new GatewaySessionIdCodec(randomBytes(32));
  const store = options.store ?? new InMemorySessionStore();
  const broker = await startBrokerStandIn(codec);
  const routingService = await RoutingTableServiceDouble.start(snapshotFor(options.servers, 1));
  const serverYaml = options.servers
    .map((s) => `  - name: ${s.upstream.name}\n    url: ${s.upstream.url}\n    prefix: "${s.prefix}"`)
    .join('\n');
  const config = parseGatewayConfig(
    `servers:\n${serverYaml || '  []'}\nbroker:\n  reconnect:\n    initialDelayMs: 20\n    maxDelayMs: 200\n${options.extraConfig ?? ''}`,
    {},
  );
  const router = await startRouter({
    config,
    brokerUrl: broker.url,
    brokerGrpcAddress: routingService.address,
    port: 0,
    sessionStore: store,
    sessionIdCodec: codec,
    logger,
  });
  const deadline = Date.now() + 5000;
  while (!router.ready()) {
    if (Date.now() > deadline) throw new Error('router never received a routing table');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const url = `http://127.0.0.1:${router.port}/mcp`;
  const clients: Client[] = [];
  return {
    router,
    url,
    config,
    store,
    codec,
    broker,
    routingService,
    snapshotFor,
    connectClient: async ({ name = 'spec-client', capabilities, configure } = {}) => {
      const client = new Client({ name, version: '1.0.0' }, capabilities ? { capabilities } : undefined);
      configure?.(client);
      const transport = new StreamableHTTPClientTransport(new URL(url));
      await client.connect(transport);
      clients.push(client);
      return { client, transport };
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await router.close();
      await routingService.stop();
      await broker.stop();
      await store.close();
    },
  };
}
