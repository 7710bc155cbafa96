// For the operator's specs: the Gateway API objects a platform team would already have — a
// Gateway with an `mcp` listener, ReferenceGrants — and an upstream MCP server exposed by a
// Service and an HTTPRoute, as the objects the operator reads.
import { GATEWAY_API_GROUP } from '@mcp-gateway/crd';
import type { KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterActor } from './cluster-actor';

export interface GatewayFixture {
  readonly namespace: string;
  readonly name: string;
  readonly listeners?: ReadonlyArray<{ name: string; hostname?: string; from?: 'All' | 'Same' | 'Selector'; selector?: Record<string, string> }>;
  /** Default `istio`. */
  readonly gatewayClassName?: string;
}

export async function createGateway(actor: ClusterActor, fixture: GatewayFixture): Promise<void> {
  const listeners = (fixture.listeners ?? [{ name: 'mcp', hostname: 'mcp.example.com', from: 'All' }]).map((listener) => ({
    name: listener.name,
    port: 80,
    protocol: 'HTTP',
    ...(listener.hostname === undefined ? {} : { hostname: listener.hostname }),
    allowedRoutes: { namespaces: { from: listener.from ?? 'All', ...(listener.selector === undefined ? {} : { selector: { matchLabels: listener.selector } }) } },
  }));
  await actor.apply(Resources.Gateway, {
    apiVersion: `${GATEWAY_API_GROUP}/v1`,
    kind: 'Gateway',
    metadata: { name: fixture.name, namespace: fixture.namespace },
    spec: { gatewayClassName: fixture.gatewayClassName ?? 'istio', listeners },
  });
  // What the Gateway's own controller reports: one status entry per listener.
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = (type: string) => ({ type, status: 'True', reason: type, message: '', lastTransitionTime: now });
  await actor.client.applyStatus(
    Resources.Gateway,
    {
      apiVersion: `${GATEWAY_API_GROUP}/v1`,
      kind: 'Gateway',
      metadata: { name: fixture.name, namespace: fixture.namespace },
      status: {
        conditions: [condition('Accepted'), condition('Programmed')],
        listeners: listeners.map((listener) => ({ name: listener.name, supportedKinds: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }], attachedRoutes: 0, conditions: [condition('Accepted'), condition('Programmed')] })),
      },
    },
    GATEWAY_CONTROLLER_MANAGER,
  );
}

export const GATEWAY_CONTROLLER_MANAGER = 'istio-gateway-controller';

interface ListenerStatus {
  name: string;
  conditions: Array<{ type: string; status: string; message: string }>;
}

/** The Gateway's listener status entries, by listener name. */
export async function listenerConditions(actor: ClusterActor, namespace: string, name: string): Promise<Record<string, string[]>> {
  const gateway = await actor.get(Resources.Gateway, namespace, name);
  const listeners = ((gateway?.['status'] ?? {}) as { listeners?: ListenerStatus[] }).listeners ?? [];
  return Object.fromEntries(listeners.map((listener) => [listener.name, listener.conditions.map((condition) => condition.type)]));
}

/** Allows `fromKind` objects in `fromNamespace` to reference `toKind` objects in `namespace`. */
export async function grantReference(actor: ClusterActor, namespace: string, name: string, from: { group: string; kind: string; namespace: string }, to: { group: string; kind: string }): Promise<void> {
  await actor.apply(Resources.ReferenceGrant, {
    apiVersion: `${GATEWAY_API_GROUP}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name, namespace },
    spec: { from: [from], to: [to] },
  });
}

export interface UpstreamFixture {
  readonly namespace: string;
  /** Service and HTTPRoute name. */
  readonly name: string;
  readonly port?: number;
  readonly gateway: { namespace: string; name: string; sectionName?: string };
}

/** A Service for an MCP server and the HTTPRoute that attaches it to the Gateway. */
export async function createUpstream(actor: ClusterActor, fixture: UpstreamFixture): Promise<void> {
  const port = fixture.port ?? 8080;
  await actor.apply(Resources.Service, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: fixture.name, namespace: fixture.namespace },
    spec: { selector: { app: fixture.name }, ports: [{ name: 'mcp', port, targetPort: port }] },
  });
  await actor.apply(Resources.HTTPRoute, upstreamRoute(fixture));
}

export function upstreamRoute(fixture: UpstreamFixture): KubeObject {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: fixture.name, namespace: fixture.namespace },
    spec: {
      parentRefs: [{ name: fixture.gateway.name, namespace: fixture.gateway.namespace, ...(fixture.gateway.sectionName === undefined ? {} : { sectionName: fixture.gateway.sectionName }) }],
      hostnames: [`${fixture.name}.mcp.local`],
      rules: [{ backendRefs: [{ name: fixture.name, port: fixture.port ?? 8080 }] }],
    },
  };
}

export function registration(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPServerRegistration', metadata: { name, namespace }, spec };
}
