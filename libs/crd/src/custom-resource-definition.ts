import { MCP_API_GROUP, SERVED_VERSIONS, STORAGE_VERSION } from './api-group';
import { resourceStatusSchema } from './condition';
import type { CustomResourceKind, PrinterColumn } from './custom-resource-kind';
import { MCP_GATEWAY_EXTENSION } from './mcp-gateway-extension';
import { MCP_SERVER_REGISTRATION } from './mcp-server-registration';
import { MCP_VIRTUAL_SERVER } from './mcp-virtual-server';
import type { OpenApiSchema } from './openapi-schema';

// Builds the apiextensions.k8s.io/v1 CustomResourceDefinition of each gateway kind from its
// `CustomResourceKind`. Every served version carries the same schema (no conversion
// needed); `v1` is stored; `v1alpha1` still works but warns on use.

export const GATEWAY_KINDS: readonly CustomResourceKind[] = Object.freeze([MCP_GATEWAY_EXTENSION, MCP_SERVER_REGISTRATION, MCP_VIRTUAL_SERVER]);

export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: { openAPIV3Schema: OpenApiSchema };
  subresources: { status: Record<string, never> };
  additionalPrinterColumns: PrinterColumn[];
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced';
    versions: CustomResourceDefinitionVersion[];
  };
}

function rootSchema(kind: CustomResourceKind): OpenApiSchema {
  return {
    type: 'object',
    description: kind.description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'Versioned schema of this representation of the object.' },
      kind: { type: 'string', description: 'REST resource this object represents.' },
      metadata: { type: 'object' },
      spec: kind.specSchema,
      status: resourceStatusSchema,
    },
  };
}

export function buildCustomResourceDefinition(kind: CustomResourceKind): CustomResourceDefinition {
  // One schema object per version would be identical; a structured clone keeps the YAML
  // free of anchors/aliases, which some tools reject in CRDs.
  const versions = SERVED_VERSIONS.map((version): CustomResourceDefinitionVersion => ({
    name: version,
    served: true,
    storage: version === STORAGE_VERSION,
    ...(version === STORAGE_VERSION
      ? {}
      : { deprecated: true, deprecationWarning: `${MCP_API_GROUP}/${version} ${kind.kind} is deprecated; use ${MCP_API_GROUP}/${STORAGE_VERSION}` }),
    schema: { openAPIV3Schema: structuredClone(rootSchema(kind)) },
    subresources: { status: {} },
    additionalPrinterColumns: structuredClone(kind.printerColumns),
  }));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${MCP_API_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'mcp-gateway' } },
    spec: {
      group: MCP_API_GROUP,
      names: {
        kind: kind.kind,
        listKind: kind.listKind,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: [...kind.shortNames],
        categories: [...kind.categories],
      },
      scope: 'Namespaced',
      versions,
    },
  };
}
