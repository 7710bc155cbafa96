// Which MCPGatewayExtension serves an HTTPRoute: the route's parentRefs name a Gateway (and
// optionally a listener by sectionName); an extension targets a Gateway (and optionally a
// listener). They meet when the Gateway is the same and the listeners are compatible.
import { GATEWAY_API_GROUP, type GatewayListenerReference } from '@mcp-gateway/crd';
import type { KubeObject } from '../kube/kube-object';

export interface GatewayReference {
  readonly namespace: string;
  readonly name: string;
  /** Undefined: every listener. */
  readonly sectionName: string | undefined;
}

interface ParentReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
}

/** The Gateway listener an extension targets, namespace defaulted to the extension's. */
export function extensionTarget(extension: KubeObject): GatewayReference {
  const targetRef = ((extension['spec'] ?? {}) as { targetRef?: GatewayListenerReference }).targetRef ?? { name: '' };
  return { namespace: targetRef.namespace ?? extension.metadata.namespace ?? '', name: targetRef.name, sectionName: targetRef.sectionName };
}

/** The Gateways (and listeners) an HTTPRoute asks to attach to. */
export function routeParents(route: KubeObject): GatewayReference[] {
  const parentRefs = ((route['spec'] ?? {}) as { parentRefs?: ParentReference[] }).parentRefs ?? [];
  return parentRefs
    .filter((parent) => (parent.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && (parent.kind ?? 'Gateway') === 'Gateway')
    .map((parent) => ({ namespace: parent.namespace ?? route.metadata.namespace ?? '', name: parent.name, sectionName: parent.sectionName }));
}

export function sameListener(a: GatewayReference, b: GatewayReference): boolean {
  return a.namespace === b.namespace && a.name === b.name && (a.sectionName === undefined || b.sectionName === undefined || a.sectionName === b.sectionName);
}

/** The extensions among `extensions` that serve a listener the route attaches to. */
export function extensionsServingRoute(route: KubeObject, extensions: readonly KubeObject[]): KubeObject[] {
  const parents = routeParents(route);
  return extensions.filter((extension) => parents.some((parent) => sameListener(parent, extensionTarget(extension))));
}
