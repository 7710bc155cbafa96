import { describe, it, expect } from '@jest/globals';
import { parse } from 'yaml';
import {
  buildCustomResourceDefinition,
  CRD_EXAMPLES,
  RELEASE_NOTES_EXTENSION as RELEASE_NOTES_TARGETING_A_LISTENER,
  RELEASE_NOTES_EXTENSION_WITH_SESSION_STORE as RELEASE_NOTES_WITH_SESSION_STORE,
  GATEWAY_KINDS,
  KUBERNETES_PATTERNS,
  MCP_API_GROUP,
  MCP_GATEWAY_EXTENSION,
  MCP_GATEWAY_EXTENSION_DEFAULTS,
  SERVED_VERSIONS,
} from './index';
import type { MCPGatewayExtension, OpenApiSchema } from './index';

function specSchemaOf(kindName: string): OpenApiSchema {
  const kind = GATEWAY_KINDS.find((candidate) => candidate.kind === kindName);
  if (kind === undefined) throw new Error(`unknown kind ${kindName}`);
  const schema = buildCustomResourceDefinition(kind).spec.versions[0]?.schema.openAPIV3Schema.properties?.spec;
  if (schema === undefined) throw new Error(`${kindName} has no spec schema`);
  return schema;
}

/** Keys the schema does not declare: the API server would silently prune them. */
function undeclaredKeys(schema: OpenApiSchema, value: unknown, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => (schema.items === undefined ? [] : undeclaredKeys(schema.items, item, `${at}[${index}]`)));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, nested]) => {
    const child = schema.properties?.[key];
    return child === undefined ? [`${at}.${key}`] : undeclaredKeys(child, nested, `${at}.${key}`);
  });
}

/** Required keys missing at any level that is present. */
function missingRequired(schema: OpenApiSchema, value: unknown, at: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const record = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((key) => record[key] === undefined).map((key) => `${at}.${key}`);
  const nested = Object.entries(record).flatMap(([key, child]) => {
    const childSchema = schema.properties?.[key];
    return childSchema === undefined ? [] : missingRequired(childSchema, child, `${at}.${key}`);
  });
  return [...missing, ...nested];
}

describe('release-notes examples', () => {
  it.each([
    ['targeting a listener', RELEASE_NOTES_TARGETING_A_LISTENER],
    ['with a session store', RELEASE_NOTES_WITH_SESSION_STORE],
  ])('the MCPGatewayExtension %s parses into the typed resource with every required field', (_title, manifest) => {
    const resource = parse(manifest) as MCPGatewayExtension;
    expect(resource.apiVersion).toBe(`${MCP_API_GROUP}/v1alpha1`);
    expect(SERVED_VERSIONS).toContain(resource.apiVersion.split('/')[1]);
    expect(resource.kind).toBe(MCP_GATEWAY_EXTENSION.kind);
    expect(resource.metadata.name).toBe('mcp-gateway');
    const schema = specSchemaOf('MCPGatewayExtension');
    expect(missingRequired(schema, resource.spec, 'spec')).toEqual([]);
    expect(undeclaredKeys(schema, resource.spec, 'spec')).toEqual([]);

    const { targetRef } = resource.spec;
    expect(targetRef.group).toBe(MCP_GATEWAY_EXTENSION_DEFAULTS.targetRefGroup);
    expect(targetRef.kind).toBe(MCP_GATEWAY_EXTENSION_DEFAULTS.targetRefKind);
    expect(targetRef.name).toMatch(new RegExp(KUBERNETES_PATTERNS.dnsSubdomain));
    expect(targetRef.namespace).toMatch(new RegExp(KUBERNETES_PATTERNS.dnsLabel));
    expect(targetRef.sectionName).toMatch(new RegExp(KUBERNETES_PATTERNS.dnsSubdomain));
  });

  it('the session-store example names its Secret', () => {
    const resource = parse(RELEASE_NOTES_WITH_SESSION_STORE) as MCPGatewayExtension;
    expect(resource.spec.sessionStore).toEqual({ secretName: 'redis-credentials' });
    expect(resource.spec.sessionStore?.secretName).toMatch(new RegExp(KUBERNETES_PATTERNS.dnsSubdomain));
  });
});

describe('CRD_EXAMPLES', () => {
  it('holds one example per kind, in the stored version', () => {
    expect(CRD_EXAMPLES.map((example) => example.kind)).toEqual(GATEWAY_KINDS.map((kind) => kind.kind));
    for (const example of CRD_EXAMPLES) expect(example.apiVersion).toBe(`${MCP_API_GROUP}/v1`);
  });

  it.each(CRD_EXAMPLES.map((example) => [example.kind, example] as const))('the %s example declares only schema fields and every required one', (kind, example) => {
    const schema = specSchemaOf(kind);
    expect(missingRequired(schema, example.spec, 'spec')).toEqual([]);
    expect(undeclaredKeys(schema, example.spec, 'spec')).toEqual([]);
  });

  it('would notice a field the schema does not declare', () => {
    expect(undeclaredKeys(specSchemaOf('MCPServerRegistration'), { targetRef: { name: 'r', port: 80 }, prefx: 'a_' }, 'spec')).toEqual(['spec.targetRef.port', 'spec.prefx']);
    expect(missingRequired(specSchemaOf('MCPServerRegistration'), { credentialRef: { name: 's' } }, 'spec')).toEqual(['spec.targetRef', 'spec.credentialRef.key']);
  });
});
