// Every kind of object the operator reads or writes, in one table. The client, the informers
// and the generated RBAC ClusterRole all take their group/version/plural from here, so the
// role cannot name a resource the code does not use, or miss one it does.
import { MCP_API_GROUP, STORAGE_VERSION, GATEWAY_API_GROUP } from '@mcp-gateway/crd';

export interface KubeResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

function resource(group: string, version: string, kind: string, plural: string, namespaced = true): KubeResource {
  return Object.freeze({ group, version, kind, plural, namespaced });
}

export const Resources = Object.freeze({
  MCPGatewayExtension: resource(MCP_API_GROUP, STORAGE_VERSION, 'MCPGatewayExtension', 'mcpgatewayextensions'),
  MCPServerRegistration: resource(MCP_API_GROUP, STORAGE_VERSION, 'MCPServerRegistration', 'mcpserverregistrations'),
  MCPVirtualServer: resource(MCP_API_GROUP, STORAGE_VERSION, 'MCPVirtualServer', 'mcpvirtualservers'),
  Gateway: resource(GATEWAY_API_GROUP, 'v1', 'Gateway', 'gateways'),
  GatewayClass: resource(GATEWAY_API_GROUP, 'v1', 'GatewayClass', 'gatewayclasses', false),
  HTTPRoute: resource(GATEWAY_API_GROUP, 'v1', 'HTTPRoute', 'httproutes'),
  ReferenceGrant: resource(GATEWAY_API_GROUP, 'v1beta1', 'ReferenceGrant', 'referencegrants'),
  Secret: resource('', 'v1', 'Secret', 'secrets'),
  Service: resource('', 'v1', 'Service', 'services'),
  ServiceAccount: resource('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  Deployment: resource('apps', 'v1', 'Deployment', 'deployments'),
  Event: resource('events.k8s.io', 'v1', 'Event', 'events'),
  Lease: resource('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  Namespace: resource('', 'v1', 'Namespace', 'namespaces', false),
  // The ext_proc wiring of the ExtProc data plane (served only where Istio / Envoy Gateway run).
  EnvoyFilter: resource('networking.istio.io', 'v1alpha3', 'EnvoyFilter', 'envoyfilters'),
  EnvoyExtensionPolicy: resource('gateway.envoyproxy.io', 'v1alpha1', 'EnvoyExtensionPolicy', 'envoyextensionpolicies'),
});

export function apiVersionOf(resource: KubeResource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The URL path of a resource's collection, across all namespaces or in one. */
export function collectionPath(resource: KubeResource, namespace?: string): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  return namespace === undefined ? `${root}/${resource.plural}` : `${root}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}
