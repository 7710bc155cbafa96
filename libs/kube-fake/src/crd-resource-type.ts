// Turns a CustomResourceDefinition (apiextensions.k8s.io/v1) into the resource type it makes
// the server serve. Versions share one storage: with `conversion.strategy: None` only
// `apiVersion` changes between them, as on a real server.
import { CrdSchemaError, CrdVersionSchema, type OpenApiSchema } from './crd-version-schema';
import { invalid, type StatusCause } from './kube-status-error';
import { ATOMIC } from './list-semantics';
import { sortVersions } from './resource-catalog';
import type { PrinterColumn, ResourceType } from './resource-type';

type JsonObject = Record<string, unknown>;

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: OpenApiSchema };
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: PrinterColumn[];
  deprecated?: boolean;
  deprecationWarning?: string;
}

interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { kind: string; listKind?: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[] };
  versions: CrdVersion[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks the CRD the way the apiextensions server does (the parts a test can trip over) and
 * builds its resource type; throws 422 Invalid naming every problem. */
export function resourceTypeFromCrd(crd: JsonObject): ResourceType {
  const name = String((crd['metadata'] as JsonObject | undefined)?.['name'] ?? '');
  const spec = crd['spec'] as CrdSpec | undefined;
  const causes: StatusCause[] = [];
  if (spec === undefined || typeof spec !== 'object') throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, [{ field: 'spec', message: 'Required value' }]);
  if (!spec.group?.includes('.')) causes.push({ field: 'spec.group', message: `Invalid value: ${JSON.stringify(spec.group)}: should be a domain with at least one dot` });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.push({ field: 'spec.scope', message: `Unsupported value: ${JSON.stringify(spec.scope)}: supported values: "Cluster", "Namespaced"` });
  if (!spec.names?.kind || !spec.names?.plural || !DNS_LABEL.test(spec.names.plural)) causes.push({ field: 'spec.names', message: 'kind and a lower-case plural are required' });
  if (name !== `${spec.names?.plural}.${spec.group}`) causes.push({ field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: must be spec.names.plural+"."+spec.group` });
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.filter((version) => version.storage).length !== 1) causes.push({ field: 'spec.versions', message: 'Invalid value: must have exactly one version marked as storage version' });
  const schemas = new Map<string, CrdVersionSchema>();
  versions.forEach((version, i) => {
    const openApi = version.schema?.openAPIV3Schema;
    if (openApi === undefined) {
      causes.push({ field: `spec.versions[${i}].schema.openAPIV3Schema`, message: 'Required value: schemas are required' });
      return;
    }
    try {
      schemas.set(version.name, new CrdVersionSchema(openApi));
    } catch (error) {
      if (!(error instanceof CrdSchemaError)) throw error;
      causes.push({ field: `spec.versions[${i}].schema.openAPIV3Schema`, message: error.message });
    }
  });
  if (causes.length > 0) throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, causes);

  const served = versions.filter((version) => version.served);
  const byName = new Map(versions.map((version) => [version.name, version]));
  const storage = versions.find((version) => version.storage) as CrdVersion;
  return Object.freeze({
    group: spec.group,
    versions: sortVersions(served.map((version) => version.name)),
    storageVersion: storage.name,
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    shortNames: Object.freeze([...(spec.names.shortNames ?? [])]),
    categories: Object.freeze([...(spec.names.categories ?? [])]),
    namespaced: spec.scope === 'Namespaced',
    statusSubresource: storage.subresources?.status !== undefined,
    tracksGeneration: true,
    custom: true,
    listSemantics: (version: string) => schemas.get(version)?.listSemantics ?? (() => ATOMIC),
    schema: (version: string) => schemas.get(version),
    printerColumns: (version: string) => byName.get(version)?.additionalPrinterColumns ?? [],
    deprecationWarning: (version: string) => {
      const entry = byName.get(version);
      if (!entry?.deprecated) return undefined;
      return entry.deprecationWarning ?? `${spec.group}/${version} ${spec.names.kind} is deprecated`;
    },
  });
}
