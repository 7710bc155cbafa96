// The ExtProc data plane as the operator wires it in a cluster, run through the Envoy
// emulator: the filter settings are read from the operator's own EnvoyFilter (processing
// mode, message timeout, mode overrides — and no allow_all_routing, so the router's
// :authority change is refused), the route table from the operator's own HTTPRoute rules
// (one rule per server matched on x-mcp-servername with a Host rewrite, /mcp to the broker).
// A real broker and router (processes), real upstreams, a real SDK client.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { componentNames } from '../../apps/operator/src/gateway-extension/component-names';
import { extensionComponents } from '../../apps/operator/src/gateway-extension/extension-components';
import { istioEnvoyFilter } from '../../apps/operator/src/data-plane/istio-envoy-filter';
import { upstreamRouteRules } from '../../apps/operator/src/data-plane/upstream-route-rules';
import type { ServedServer } from '../../apps/operator/src/server-registration/gateway-server-set';
import { startDemoServers, type DemoServers } from '../servers/demo-servers';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient, type ConnectedClient } from '../support/connect-client';
import { EnvoyEmulator, type EnvoyRoute } from './support/envoy-emulator';
import type { WireProcessingMode } from './support/ext-proc-wire';
import { startFacedGateway, type FacedGateway } from './support/faced-gateway';

jest.setTimeout(30_000);

interface HttpRouteRule {
  matches: Array<{ path?: { value: string }; headers?: Array<{ name: string; value: string }> }>;
  filters?: Array<{ urlRewrite?: { hostname?: string } }>;
  backendRefs: Array<{ name: string; port: number }>;
}

let demo: DemoServers;
let testServer: TestServer;
let gateway: FacedGateway;
let envoy: EnvoyEmulator;
let connected: ConnectedClient;

/** A registration as the operator resolves it, pointing at a local upstream. */
function served(serverName: string, url: string): ServedServer {
  const port = Number(new URL(url).port);
  return {
    serverName,
    credentialKey: serverName,
    resolution: {
      ok: true,
      enabled: true,
      prefix: '',
      credentialValue: undefined,
      url,
      registration: { apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPServerRegistration', metadata: { name: serverName, namespace: 'team-a' } },
      route: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: serverName, namespace: 'team-a' }, spec: { rules: [{ backendRefs: [{ name: serverName, port }] }] } },
    },
  };
}

function durationMs(duration: string): number {
  return Number(duration.replace(/s$/, '')) * 1000;
}

beforeAll(async () => {
  demo = await startDemoServers({ basePort: 0 });
  testServer = await startTestServer();
  const servers = [
    { name: 'team-a-weather', url: demo.servers.weather.url, prefix: 'weather_' },
    { name: 'team-a-test', url: testServer.url },
  ];
  gateway = await startFacedGateway('http', servers);
  await gateway.waitForUpstreamsReady(servers.map((server) => server.name));

  // What the operator writes for an extension on an Istio Gateway.
  const extension = { apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPGatewayExtension', metadata: { name: 'tools', namespace: 'team-a', uid: 'u' }, spec: { targetRef: { name: 'mesh' }, dataPlane: 'ExtProc' } };
  const filter = istioEnvoyFilter({
    extension,
    gateway: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'mesh', namespace: 'gateway-system' } },
    listeners: [{ name: 'mcp', port: 80 }],
    router: { serviceHost: 'tools-router.team-a.svc.cluster.local', port: 50052 },
  });
  const typedConfig = (filter['spec'] as { configPatches: Array<{ patch: { value: { typed_config: Record<string, unknown> } } }> }).configPatches[0]?.patch.value.typed_config ?? {};
  const { rules } = upstreamRouteRules(servers.map((server) => served(server.name, server.url)));
  const route = extensionComponents({ extension, names: componentNames('tools'), images: { broker: 'b', router: 'r' }, sessionStoreFingerprint: undefined, extProc: { upstreamRules: rules } }).find(
    (desired) => desired.object.kind === 'HTTPRoute',
  )?.object;
  // Service names → where those Services' pods listen here.
  const serviceOrigins = new Map(servers.map((server) => [server.name, new URL(server.url).origin]));
  serviceOrigins.set('tools-broker', new URL(gateway.brokerStatusUrl).origin);
  serviceOrigins.set('tools-router', new URL(gateway.url).origin);
  const routes: EnvoyRoute[] = ((route?.['spec'] as { rules: HttpRouteRule[] }).rules ?? []).flatMap((rule) =>
    rule.matches.map((match) => ({
      authority: '*',
      ...(match.path ? { path: match.path.value } : {}),
      headers: Object.fromEntries((match.headers ?? []).map((header) => [header.name, header.value])),
      backend: serviceOrigins.get(rule.backendRefs[0]?.name ?? '') ?? 'http://127.0.0.1:9',
      ...(rule.filters?.[0]?.urlRewrite?.hostname ? { hostRewrite: rule.filters[0].urlRewrite.hostname } : {}),
    })),
  );
  envoy = await EnvoyEmulator.start({
    processorAddress: gateway.extProcAddress,
    routes,
    processingMode: typedConfig['processing_mode'] as WireProcessingMode,
    messageTimeoutMs: durationMs(String(typedConfig['message_timeout'])),
    allowModeOverride: typedConfig['allow_mode_override'] === true,
    failureModeAllow: typedConfig['failure_mode_allow'] === true,
    mutationRules: {},
    bufferLimitBytes: 4 * 1024 * 1024,
  });
  connected = await connectClient(envoy.url);
}, 60_000);

afterAll(async () => {
  await connected?.close();
  await envoy?.close();
  await gateway?.stop();
  await testServer?.close();
  await demo?.close();
});

describe('the ExtProc data plane as the operator wires it', () => {
  it('lists through the broker and calls each upstream through its header-matched rule', async () => {
    const names = (await connected.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['weather_get_forecast', 'whoami']));
    const forecast = await connected.client.callTool({ name: 'weather_get_forecast', arguments: { city: 'Porto', days: 1 } });
    expect(forecast.isError).toBeFalsy();
    const who = await connected.client.callTool({ name: 'whoami', arguments: {} });
    expect(testServer.sessionIds()).toContain((JSON.parse((who.content as Array<{ text: string }>)[0]?.text ?? '{}') as { sessionId: string }).sessionId);
    const stats = envoy.stats();
    // The :authority change is refused without allow_all_routing; the header picks the route.
    expect(stats.rejectedHeaderMutations).toBeGreaterThan(0);
    expect(stats.forwarded.some((target) => target.startsWith(new URL(testServer.url).origin))).toBe(true);
  });

  it('recovers from an upstream that forgot the session', async () => {
    const first = JSON.parse(((await connected.client.callTool({ name: 'whoami', arguments: {} })).content as Array<{ text: string }>)[0]?.text ?? '{}') as { sessionId: string };
    testServer.forgetSession(first.sessionId);
    const second = JSON.parse(((await connected.client.callTool({ name: 'whoami', arguments: {} })).content as Array<{ text: string }>)[0]?.text ?? '{}') as { sessionId: string };
    expect(second.sessionId).not.toBe(first.sessionId);
  });

  it('does not let a client route itself to an upstream by sending x-mcp-servername', async () => {
    const spoofing = await connectClient(envoy.url, { headers: { 'x-mcp-servername': 'team-a-test' } });
    try {
      // tools/list must still reach the broker (the whole catalog), not the test server.
      const names = (await spoofing.client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('weather_get_forecast');
    } finally {
      await spoofing.close();
    }
  });
});
