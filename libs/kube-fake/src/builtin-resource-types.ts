// The built-in kinds the fake serves before any CRD is installed: the ones the operator and
// its tests touch (core, apps, coordination, events, RBAC, apiextensions) and the Gateway
// API kinds, which in a real cluster come from CRDs but are served here with an open schema
// so tests need not install the Gateway API bundle first.
import { builtinListSemantics } from './list-semantics';
import type { ResourceType } from './resource-type';

interface BuiltinSpec {
  group: string;
  versions: string[];
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  status?: boolean;
  generation?: boolean;
}

function builtin(spec: BuiltinSpec): ResourceType {
  const listSemantics = builtinListSemantics(spec.group, spec.kind);
  return Object.freeze({
    group: spec.group,
    versions: Object.freeze([...spec.versions]),
    storageVersion: spec.versions[0] as string,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    shortNames: Object.freeze(spec.shortNames ?? []),
    categories: Object.freeze(spec.categories ?? []),
    namespaced: spec.namespaced,
    statusSubresource: spec.status ?? false,
    tracksGeneration: spec.generation ?? false,
    custom: false,
    listSemantics: () => listSemantics,
  });
}

const GATEWAY_API = 'gateway.networking.k8s.io';

export const BUILTIN_RESOURCE_TYPES: readonly ResourceType[] = Object.freeze([
  builtin({ group: '', versions: ['v1'], kind: 'Namespace', plural: 'namespaces', shortNames: ['ns'], namespaced: false, status: true }),
  builtin({ group: '', versions: ['v1'], kind: 'Secret', plural: 'secrets', namespaced: true }),
  builtin({ group: '', versions: ['v1'], kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'], namespaced: true }),
  builtin({ group: '', versions: ['v1'], kind: 'Service', plural: 'services', shortNames: ['svc'], categories: ['all'], namespaced: true, status: true }),
  builtin({ group: '', versions: ['v1'], kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'], namespaced: true }),
  builtin({ group: '', versions: ['v1'], kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: ['all'], namespaced: true, status: true }),
  builtin({ group: '', versions: ['v1'], kind: 'Event', plural: 'events', shortNames: ['ev'], namespaced: true }),
  builtin({ group: 'apps', versions: ['v1'], kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], categories: ['all'], namespaced: true, status: true, generation: true }),
  builtin({ group: 'coordination.k8s.io', versions: ['v1'], kind: 'Lease', plural: 'leases', namespaced: true }),
  builtin({ group: 'events.k8s.io', versions: ['v1'], kind: 'Event', plural: 'events', shortNames: ['ev'], namespaced: true }),
  builtin({ group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'ClusterRole', plural: 'clusterroles', namespaced: false }),
  builtin({ group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false }),
  builtin({ group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'Role', plural: 'roles', namespaced: true }),
  builtin({ group: 'rbac.authorization.k8s.io', versions: ['v1'], kind: 'RoleBinding', plural: 'rolebindings', namespaced: true }),
  builtin({ group: 'apiextensions.k8s.io', versions: ['v1'], kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', shortNames: ['crd', 'crds'], namespaced: false, status: true, generation: true }),
  builtin({ group: GATEWAY_API, versions: ['v1', 'v1beta1'], kind: 'GatewayClass', plural: 'gatewayclasses', shortNames: ['gc'], categories: ['gateway-api'], namespaced: false, status: true, generation: true }),
  builtin({ group: GATEWAY_API, versions: ['v1', 'v1beta1'], kind: 'Gateway', plural: 'gateways', shortNames: ['gtw'], categories: ['gateway-api'], namespaced: true, status: true, generation: true }),
  builtin({ group: GATEWAY_API, versions: ['v1', 'v1beta1'], kind: 'HTTPRoute', plural: 'httproutes', categories: ['gateway-api'], namespaced: true, status: true, generation: true }),
  builtin({ group: GATEWAY_API, versions: ['v1beta1'], kind: 'ReferenceGrant', plural: 'referencegrants', shortNames: ['refgrant'], categories: ['gateway-api'], namespaced: true, generation: true }),
]);

/** Namespaces every cluster starts with. */
export const INITIAL_NAMESPACES: readonly string[] = Object.freeze(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
