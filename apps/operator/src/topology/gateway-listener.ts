// The parts of a Gateway API Gateway the operator reads: listeners, and which namespaces'
// routes each listener admits (`allowedRoutes.namespaces.from`: Same | All | Selector, and
// `allowedRoutes.kinds`), per the Gateway API spec (GatewaySpec, Listener, AllowedRoutes).
import { GATEWAY_API_GROUP } from '@mcp-gateway/crd';
import type { KubeObject } from '../kube/kube-object';

export interface Listener {
  name: string;
  hostname?: string;
  port?: number;
  protocol?: string;
  allowedRoutes?: {
    namespaces?: { from?: 'Same' | 'All' | 'Selector'; selector?: LabelSelector };
    kinds?: Array<{ group?: string; kind: string }>;
  };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export function listenersOf(gateway: KubeObject): Listener[] {
  const spec = (gateway['spec'] ?? {}) as { listeners?: Listener[] };
  return spec.listeners ?? [];
}

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) => {
    const value = labels[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(expression.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      default:
        return value === undefined;
    }
  });
  return byLabels && byExpressions;
}

/** Does the listener accept HTTPRoutes from `routeNamespace`? */
export function listenerAdmitsHttpRoutes(listener: Listener, gatewayNamespace: string, routeNamespace: string, namespaceLabels: Record<string, string> | undefined): boolean {
  const kinds = listener.allowedRoutes?.kinds;
  if (kinds !== undefined && kinds.length > 0 && !kinds.some((kind) => (kind.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && kind.kind === 'HTTPRoute')) return false;
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return gatewayNamespace === routeNamespace;
  const selector = listener.allowedRoutes?.namespaces?.selector;
  return selector !== undefined && namespaceLabels !== undefined && selectorMatches(selector, namespaceLabels);
}
