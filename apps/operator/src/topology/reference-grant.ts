// Gateway API ReferenceGrant (gateway.networking.k8s.io/v1beta1): a reference from an object
// in one namespace to an object in another is allowed only when a ReferenceGrant in the
// target's namespace lists the referrer's group, kind and namespace under `from` and the
// target's group, kind (and, when given, name) under `to` (GEP-709).
import type { ClusterView } from '../runtime/cluster-view';
import { Resources } from '../kube/kube-resource';

export interface CrossNamespaceReference {
  readonly from: { readonly group: string; readonly kind: string; readonly namespace: string };
  readonly to: { readonly group: string; readonly kind: string; readonly namespace: string; readonly name: string };
}

interface GrantSpec {
  from?: Array<{ group?: string; kind?: string; namespace?: string }>;
  to?: Array<{ group?: string; kind?: string; name?: string }>;
}

export function referenceAllowed(view: ClusterView, reference: CrossNamespaceReference): boolean {
  if (reference.from.namespace === reference.to.namespace) return true;
  return view.list(Resources.ReferenceGrant, reference.to.namespace).some((grant) => {
    const spec = (grant['spec'] ?? {}) as GrantSpec;
    const fromMatches = (spec.from ?? []).some((from) => (from.group ?? '') === reference.from.group && from.kind === reference.from.kind && from.namespace === reference.from.namespace);
    const toMatches = (spec.to ?? []).some((to) => (to.group ?? '') === reference.to.group && to.kind === reference.to.kind && (to.name === undefined || to.name === '' || to.name === reference.to.name));
    return fromMatches && toMatches;
  });
}
