// Checks rendered manifests the way an API server with strict field validation would, without
// one: the Kubernetes OpenAPI schemas compiled into `kubernetes-models` (types, required
// fields, formats), plus unknown-field detection from client-node's model type maps (the
// schemas allow unknown fields; `kubectl apply --validate=strict` does not). Custom resources
// of our CRDs are checked against the CRD's own openAPIV3Schema with unknown fields refused,
// since the API server would silently prune them.
import * as k8s from '@kubernetes/client-node';
import type { OpenApiSchema } from '@mcp-gateway/crd';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { strictJsonSchema } from '../../../scripts/delivery/chart-values-schema';

export interface KubeManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface ValidatingModel {
  validate(): void;
}
type ModelConstructor = new (data: never) => ValidatingModel;

/** Every built-in kind our charts and bundles may render, with its model and client-node type. */
const BUILTIN_KINDS: Readonly<Record<string, { model: ModelConstructor; typeName: string }>> = {
  'v1/ServiceAccount': { model: ServiceAccount as unknown as ModelConstructor, typeName: 'V1ServiceAccount' },
  'v1/Service': { model: Service as unknown as ModelConstructor, typeName: 'V1Service' },
  'v1/Pod': { model: Pod as unknown as ModelConstructor, typeName: 'V1Pod' },
  'v1/Secret': { model: Secret as unknown as ModelConstructor, typeName: 'V1Secret' },
  'apps/v1/Deployment': { model: Deployment as unknown as ModelConstructor, typeName: 'V1Deployment' },
  'rbac.authorization.k8s.io/v1/ClusterRole': { model: ClusterRole as unknown as ModelConstructor, typeName: 'V1ClusterRole' },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { model: ClusterRoleBinding as unknown as ModelConstructor, typeName: 'V1ClusterRoleBinding' },
  'rbac.authorization.k8s.io/v1/Role': { model: Role as unknown as ModelConstructor, typeName: 'V1Role' },
  'rbac.authorization.k8s.io/v1/RoleBinding': { model: RoleBinding as unknown as ModelConstructor, typeName: 'V1RoleBinding' },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { model: CustomResourceDefinition as unknown as ModelConstructor, typeName: 'V1CustomResourceDefinition' },
};

interface AttributeType {
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap(): AttributeType[] };
const models = k8s as unknown as Record<string, ModelClass | undefined>;

function modelOf(typeName: string): ModelClass | undefined {
  const model = models[typeName];
  return model !== undefined && typeof model.getAttributeTypeMap === 'function' ? model : undefined;
}

/** Paths of fields the Kubernetes schema does not know (`spec.template.spec.containers[0].bogus`). */
export function unknownFields(value: unknown, typeName: string, at = ''): string[] {
  const arrayOf = /^Array<(.+)>$/.exec(typeName);
  if (arrayOf !== null) {
    return Array.isArray(value) ? value.flatMap((item, index) => unknownFields(item, arrayOf[1] ?? '', `${at}[${index}]`)) : [];
  }
  const mapOf = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (mapOf !== null) {
    return value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([key, item]) => unknownFields(item, mapOf[1] ?? '', `${at}.${key}`)) : [];
  }
  const model = modelOf(typeName);
  if (model === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const attributes = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]));
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const childType = attributes.get(key);
    const path = at === '' ? key : `${at}.${key}`;
    return childType === undefined ? [path] : unknownFields(child, childType, path);
  });
}

export interface CustomResourceDefinitionDocument {
  spec: { group: string; names: { kind: string }; versions: Array<{ name: string; schema: { openAPIV3Schema: OpenApiSchema } }> };
}

export class KubernetesSchemaChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly customKinds = new Map<string, ReturnType<Ajv['compile']>>();

  constructor(crds: readonly CustomResourceDefinitionDocument[] = []) {
    for (const crd of crds) {
      for (const version of crd.spec.versions) {
        const schema = strictJsonSchema(version.schema.openAPIV3Schema);
        // apiVersion, kind and metadata are the API server's to check, not the CRD schema's.
        const properties = { ...((schema['properties'] as Record<string, unknown> | undefined) ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
        this.customKinds.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, this.ajv.compile({ ...schema, properties }));
      }
    }
  }

  /** Whether this checker has a schema for the manifest's kind. */
  knows(manifest: KubeManifest): boolean {
    const key = `${manifest.apiVersion ?? ''}/${manifest.kind ?? ''}`;
    return BUILTIN_KINDS[key] !== undefined || this.customKinds.has(key);
  }

  /** Problems of one manifest; empty when the API server would accept it as is. */
  problems(manifest: KubeManifest): string[] {
    const key = `${manifest.apiVersion ?? ''}/${manifest.kind ?? ''}`;
    const name = `${manifest.kind ?? '?'} ${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata?.name ?? '?'}`;
    const builtin = BUILTIN_KINDS[key];
    if (builtin !== undefined) {
      const problems: string[] = [];
      try {
        new builtin.model(manifest as never).validate();
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
      }
      for (const field of unknownFields(manifest, builtin.typeName)) problems.push(`${name}: unknown field "${field}"`);
      return problems;
    }
    const custom = this.customKinds.get(key);
    if (custom !== undefined) {
      return custom(manifest) ? [] : (custom.errors ?? []).map((error) => `${name}: ${error.instancePath || '/'} ${error.message ?? ''}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params['additionalProperty'])})` : ''}`);
    }
    return [`${name}: no schema known for ${key}`];
  }
}
