// How a list inside an object merges: as one value (atomic), as a set of scalars, or as a map
// keyed by some fields of its items. Server-side apply (field ownership), strategic merge
// patch (merge keys) and CEL transition rules all depend on it. Built-in kinds carry the
// table below (the `+listType`/`patchMergeKey` markers of k8s.io/api); custom resources take
// it from `x-kubernetes-list-type` / `x-kubernetes-list-map-keys` in their schema.

export type ListSemantics = { readonly type: 'atomic' } | { readonly type: 'set' } | { readonly type: 'map'; readonly keys: readonly string[] };

/** A path of field names where every list item is written `[]`, e.g. `spec.template.spec.containers[].env`. */
export type ListSemanticsResolver = (path: readonly string[]) => ListSemantics;

export const ATOMIC: ListSemantics = Object.freeze({ type: 'atomic' });

const mapBy = (...keys: string[]): ListSemantics => Object.freeze({ type: 'map', keys: Object.freeze(keys) });
const SET: ListSemantics = Object.freeze({ type: 'set' });

/** Lists of ObjectMeta, for every kind. */
const METADATA_LISTS: Readonly<Record<string, ListSemantics>> = {
  'metadata.ownerReferences': mapBy('uid'),
  'metadata.finalizers': SET,
};

function podSpecLists(prefix: string): Record<string, ListSemantics> {
  const containerLists = (container: string): Record<string, ListSemantics> => ({
    [container]: mapBy('name'),
    [`${container}[].env`]: mapBy('name'),
    [`${container}[].ports`]: mapBy('containerPort', 'protocol'),
    [`${container}[].volumeMounts`]: mapBy('mountPath'),
    [`${container}[].volumeDevices`]: mapBy('devicePath'),
  });
  return {
    ...containerLists(`${prefix}.containers`),
    ...containerLists(`${prefix}.initContainers`),
    ...containerLists(`${prefix}.ephemeralContainers`),
    [`${prefix}.volumes`]: mapBy('name'),
    [`${prefix}.imagePullSecrets`]: mapBy('name'),
    [`${prefix}.hostAliases`]: mapBy('ip'),
    [`${prefix}.topologySpreadConstraints`]: mapBy('topologyKey', 'whenUnsatisfiable'),
  };
}

/** Per built-in kind (keyed `group/Kind`), the non-atomic lists. Everything else is atomic. */
export const BUILTIN_LIST_SEMANTICS: Readonly<Record<string, Readonly<Record<string, ListSemantics>>>> = {
  'apps/Deployment': { ...podSpecLists('spec.template.spec'), 'status.conditions': mapBy('type') },
  'apps/StatefulSet': { ...podSpecLists('spec.template.spec'), 'status.conditions': mapBy('type') },
  '/Pod': { ...podSpecLists('spec'), 'status.conditions': mapBy('type') },
  '/Service': { 'spec.ports': mapBy('port', 'protocol') },
  '/ServiceAccount': { secrets: mapBy('name'), imagePullSecrets: mapBy('name') },
  '/Namespace': { 'status.conditions': mapBy('type') },
  'apiextensions.k8s.io/CustomResourceDefinition': { 'status.conditions': mapBy('type') },
  // Gateway API (gateway.networking.k8s.io v1 types: listeners and their status keyed by name).
  'gateway.networking.k8s.io/Gateway': {
    'spec.listeners': mapBy('name'),
    'status.conditions': mapBy('type'),
    'status.listeners': mapBy('name'),
    'status.listeners[].conditions': mapBy('type'),
  },
  'gateway.networking.k8s.io/HTTPRoute': { 'status.parents[].conditions': mapBy('type') },
};

export function builtinListSemantics(group: string, kind: string): ListSemanticsResolver {
  const table = { ...METADATA_LISTS, ...(BUILTIN_LIST_SEMANTICS[`${group}/${kind}`] ?? {}) };
  return (path) => table[path.join('.').replaceAll('.[]', '[]')] ?? ATOMIC;
}

/** Strategic merge patch merges a list by its first map key (the `patchMergeKey`). */
export function mergeKeyOf(semantics: ListSemantics): string | undefined {
  return semantics.type === 'map' ? semantics.keys[0] : undefined;
}
