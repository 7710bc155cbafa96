// The resource types the server serves, and the discovery documents built from them
// (`/api`, `/apis`, `/api/v1`, `/apis/<group>`, `/apis/<group>/<version>`): what
// client-node's KubernetesObjectApi and kubectl read to map a kind to its URL.
import { RESOURCE_VERBS, apiVersionOf, resourceKey, type ResourceType } from './resource-type';

type JsonObject = Record<string, unknown>;

/** Kubernetes version priority: GA > beta > alpha, then by number (kube-aware sort). */
function versionPriority(version: string): [number, number, number] {
  const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!match) return [0, 0, 0];
  const stage = match[2] === undefined ? 3 : match[2] === 'beta' ? 2 : 1;
  return [stage, Number(match[1]), Number(match[3] ?? 0)];
}

export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => {
    const [sa, ma, na] = versionPriority(a);
    const [sb, mb, nb] = versionPriority(b);
    return sb - sa || mb - ma || nb - na || (a < b ? -1 : 1);
  });
}

export class ResourceCatalog {
  private readonly types = new Map<string, ResourceType>();

  constructor(initial: readonly ResourceType[]) {
    for (const type of initial) this.install(type);
  }

  install(type: ResourceType): void {
    this.types.set(resourceKey(type.group, type.plural), type);
  }

  remove(group: string, plural: string): void {
    this.types.delete(resourceKey(group, plural));
  }

  /** The type served at `/apis/<group>/<version>/<plural>`, if any. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    const type = this.types.get(resourceKey(group, plural));
    return type?.versions.includes(version) ? type : undefined;
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    return [...this.types.values()].find((type) => type.group === group && type.kind === kind);
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  private groups(): Map<string, string[]> {
    const groups = new Map<string, Set<string>>();
    for (const type of this.types.values()) {
      if (type.group === '') continue;
      const versions = groups.get(type.group) ?? new Set<string>();
      for (const version of type.versions) versions.add(version);
      groups.set(type.group, versions);
    }
    return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([group, versions]) => [group, sortVersions([...versions])]));
  }

  coreVersions(serverAddress: string): JsonObject {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  private groupDocument(name: string, versions: string[]): JsonObject {
    const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions: entries, preferredVersion: entries[0] };
  }

  groupList(): JsonObject {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...this.groups()].map(([name, versions]) => this.groupDocument(name, versions)) };
  }

  group(name: string): JsonObject | undefined {
    const versions = this.groups().get(name);
    return versions === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...this.groupDocument(name, versions) };
  }

  resourceList(group: string, version: string): JsonObject | undefined {
    const served = [...this.types.values()].filter((type) => type.group === group && type.versions.includes(version));
    if (served.length === 0 && !(group === '' && version === 'v1')) return undefined;
    const resources: JsonObject[] = [];
    for (const type of served.sort((a, b) => (a.plural < b.plural ? -1 : 1))) {
      resources.push({
        name: type.plural,
        singularName: type.singular,
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: [...RESOURCE_VERBS],
        ...(type.shortNames.length > 0 ? { shortNames: [...type.shortNames] } : {}),
        ...(type.categories.length > 0 ? { categories: [...type.categories] } : {}),
        storageVersionHash: Buffer.from(`${type.group}/${type.storageVersion}/${type.kind}`).toString('base64').slice(0, 11),
      });
      if (type.statusSubresource) resources.push({ name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: ['get', 'patch', 'update'] });
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
  }
}
