import { describe, it, expect } from '@jest/globals';
import { LOG_LEVELS, SERVER_PREFIX_PATTERN } from '@mcp-gateway/config';
import {
  buildCustomResourceDefinition,
  ConditionReason,
  ConditionType,
  GATEWAY_KINDS,
  MCP_GATEWAY_EXTENSION,
  MCP_SERVER_REGISTRATION,
  MCP_VIRTUAL_SERVER,
  PREFIX_IMMUTABLE_MESSAGE,
} from './index';
import type { CustomResourceDefinition, CustomResourceKind, OpenApiSchema } from './index';

/** The schema at a dotted path under `spec` (`targetRef.name`) of a kind's stored version. */
function specField(kind: CustomResourceKind, fieldPath: string): OpenApiSchema {
  let schema: OpenApiSchema | undefined = storedSchema(buildCustomResourceDefinition(kind)).properties?.spec;
  for (const key of fieldPath === '' ? [] : fieldPath.split('.')) schema = schema?.properties?.[key];
  if (schema === undefined) throw new Error(`${kind.kind} has no spec.${fieldPath}`);
  return schema;
}

function storedSchema(crd: CustomResourceDefinition): OpenApiSchema {
  const stored = crd.spec.versions.find((version) => version.storage);
  if (stored === undefined) throw new Error(`${crd.metadata.name} has no storage version`);
  return stored.schema.openAPIV3Schema;
}

function pattern(schema: OpenApiSchema): RegExp {
  if (schema.pattern === undefined) throw new Error('field has no pattern');
  return new RegExp(schema.pattern);
}

/** Kubernetes requires a structural schema: every node states its type. */
function untypedNodes(schema: OpenApiSchema, at: string): string[] {
  const own = schema.type === undefined ? [at] : [];
  const nested = Object.entries(schema.properties ?? {}).flatMap(([key, child]) => untypedNodes(child, `${at}.${key}`));
  const items = schema.items === undefined ? [] : untypedNodes(schema.items, `${at}[]`);
  return [...own, ...nested, ...items];
}

describe('CustomResourceDefinitions', () => {
  it.each([
    ['MCPGatewayExtension', 'mcpgatewayextensions.mcp.kuadrant.io', 'mcpge', MCP_GATEWAY_EXTENSION],
    ['MCPServerRegistration', 'mcpserverregistrations.mcp.kuadrant.io', 'mcpsr', MCP_SERVER_REGISTRATION],
    ['MCPVirtualServer', 'mcpvirtualservers.mcp.kuadrant.io', 'mcpvs', MCP_VIRTUAL_SERVER],
  ] as const)('%s is namespaced in mcp.kuadrant.io, named %s, short name %s', (kindName, name, shortName, kind) => {
    expect(kind.kind).toBe(kindName);
    const crd = buildCustomResourceDefinition(kind);
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.metadata.name).toBe(name);
    expect(crd.spec.group).toBe('mcp.kuadrant.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.shortNames).toEqual([shortName]);
    expect(crd.spec.names.categories).toEqual(['mcp']);
  });

  it.each(GATEWAY_KINDS.map((kind) => [kind.kind, kind] as const))('%s serves v1alpha1 and v1 with one schema, stores v1, and has a status subresource', (_name, kind) => {
    const crd = buildCustomResourceDefinition(kind);
    expect(crd.spec.versions.map((version) => [version.name, version.served, version.storage])).toEqual([
      ['v1alpha1', true, false],
      ['v1', true, true],
    ]);
    const [alpha, stable] = crd.spec.versions;
    expect(alpha?.schema).toEqual(stable?.schema);
    expect(alpha?.additionalPrinterColumns).toEqual(stable?.additionalPrinterColumns);
    expect(alpha?.deprecationWarning).toBe(`mcp.kuadrant.io/v1alpha1 ${kind.kind} is deprecated; use mcp.kuadrant.io/v1`);
    for (const version of crd.spec.versions) expect(version.subresources).toEqual({ status: {} });
    expect(storedSchema(crd).required).toEqual(['spec']);
    expect(untypedNodes(storedSchema(crd), '')).toEqual([]);
  });

  it.each(GATEWAY_KINDS.map((kind) => [kind.kind, kind] as const))('%s reports observedGeneration and metav1-style conditions keyed by type', (_name, kind) => {
    const status = storedSchema(buildCustomResourceDefinition(kind)).properties?.status;
    expect(status?.properties?.observedGeneration).toMatchObject({ type: 'integer', format: 'int64' });
    const conditions = status?.properties?.conditions;
    expect(conditions).toMatchObject({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
    expect(conditions?.items?.required).toEqual(['type', 'status', 'lastTransitionTime', 'reason', 'message']);
    expect(conditions?.items?.properties?.status?.enum).toEqual(['True', 'False', 'Unknown']);
    expect(conditions?.items?.properties?.lastTransitionTime).toMatchObject({ type: 'string', format: 'date-time' });
    expect(Object.keys(conditions?.items?.properties ?? {}).sort()).toEqual(['lastTransitionTime', 'message', 'observedGeneration', 'reason', 'status', 'type']);
  });

  it.each(GATEWAY_KINDS.map((kind) => [kind.kind, kind] as const))('%s shows Ready from the Ready condition first and Age last in kubectl get', (_name, kind) => {
    const columns = buildCustomResourceDefinition(kind).spec.versions[1]?.additionalPrinterColumns ?? [];
    expect(columns[0]).toMatchObject({ name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' });
    expect(columns[columns.length - 1]).toEqual({ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' });
  });

  it('condition types and reasons are CamelCase values the condition schema accepts', () => {
    const condition = storedSchema(buildCustomResourceDefinition(MCP_VIRTUAL_SERVER)).properties?.status?.properties?.conditions?.items;
    const reasonPattern = pattern(condition?.properties?.reason ?? {});
    const typePattern = pattern(condition?.properties?.type ?? {});
    expect(Object.values(ConditionType)).toEqual(['Accepted', 'Ready']);
    for (const type of Object.values(ConditionType)) expect(type).toMatch(typePattern);
    for (const reason of Object.values(ConditionReason)) {
      expect(reason).toMatch(reasonPattern);
      expect(reason).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });
});

describe('MCPGatewayExtension schema', () => {
  it('requires targetRef.name and defaults the target to a Gateway API Gateway', () => {
    expect(specField(MCP_GATEWAY_EXTENSION, '').required).toEqual(['targetRef']);
    const targetRef = specField(MCP_GATEWAY_EXTENSION, 'targetRef');
    expect(targetRef.required).toEqual(['name']);
    expect(Object.keys(targetRef.properties ?? {})).toEqual(['group', 'kind', 'name', 'namespace', 'sectionName']);
    expect(specField(MCP_GATEWAY_EXTENSION, 'targetRef.group').default).toBe('gateway.networking.k8s.io');
    expect(specField(MCP_GATEWAY_EXTENSION, 'targetRef.kind').default).toBe('Gateway');
    expect(targetRef['x-kubernetes-validations']).toEqual([
      {
        rule: "self.group == 'gateway.networking.k8s.io' && self.kind == 'Gateway'",
        message: 'targetRef must reference a Gateway (group gateway.networking.k8s.io, kind Gateway)',
      },
    ]);
  });

  it('has the documented enums, defaults and bounds', () => {
    expect(specField(MCP_GATEWAY_EXTENSION, 'httpRouteManagement')).toMatchObject({ enum: ['Enabled', 'Disabled'], default: 'Enabled' });
    expect(specField(MCP_GATEWAY_EXTENSION, 'backendPingIntervalSeconds')).toMatchObject({ type: 'integer', minimum: 10, maximum: 7200, default: 60 });
    expect(specField(MCP_GATEWAY_EXTENSION, 'brokerReplicas')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(specField(MCP_GATEWAY_EXTENSION, 'brokerReplicas').default).toBeUndefined();
    expect(specField(MCP_GATEWAY_EXTENSION, 'routerReplicas')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(specField(MCP_GATEWAY_EXTENSION, 'sessionStore').required).toEqual(['secretName']);
  });

  it('offers exactly the log levels the gateway configuration accepts', () => {
    expect(specField(MCP_GATEWAY_EXTENSION, 'logLevel')).toMatchObject({ enum: [...LOG_LEVELS], default: 'info' });
  });

  it('accepts host names for publicHost and host:port for privateHost', () => {
    const publicHost = pattern(specField(MCP_GATEWAY_EXTENSION, 'publicHost'));
    for (const ok of ['mcp.example.com', 'localhost', '*.apps.example.com']) expect(ok).toMatch(publicHost);
    for (const bad of ['https://mcp.example.com', 'MCP.example.com', 'mcp.example.com:443', '']) expect(bad).not.toMatch(publicHost);
    const privateHost = pattern(specField(MCP_GATEWAY_EXTENSION, 'privateHost'));
    for (const ok of ['mcp-gateway-istio.gateway-system.svc.cluster.local:8080', 'gateway.internal']) expect(ok).toMatch(privateHost);
    for (const bad of ['http://gateway:8080', 'gateway:port']) expect(bad).not.toMatch(privateHost);
  });

  it('refuses several replicas without a shared session store, with a message that says why', () => {
    expect(specField(MCP_GATEWAY_EXTENSION, '')['x-kubernetes-validations']).toEqual([
      {
        rule: 'has(self.sessionStore) || ((!has(self.brokerReplicas) || self.brokerReplicas == 1) && (!has(self.routerReplicas) || self.routerReplicas == 1))',
        message: 'more than one broker or router replica needs spec.sessionStore: replicas share sessions through Redis',
      },
    ]);
  });
});

describe('MCPServerRegistration schema', () => {
  it('targets an HTTPRoute by default and requires its name', () => {
    const targetRef = specField(MCP_SERVER_REGISTRATION, 'targetRef');
    expect(targetRef.required).toEqual(['name']);
    expect(Object.keys(targetRef.properties ?? {})).toEqual(['group', 'kind', 'name', 'namespace']);
    expect(specField(MCP_SERVER_REGISTRATION, 'targetRef.group').default).toBe('gateway.networking.k8s.io');
    expect(specField(MCP_SERVER_REGISTRATION, 'targetRef.kind').default).toBe('HTTPRoute');
    expect(targetRef['x-kubernetes-validations']?.[0]?.rule).toBe("self.group == 'gateway.networking.k8s.io' && self.kind == 'HTTPRoute'");
  });

  it('makes prefix immutable with a CEL transition rule and a message that says what to do', () => {
    const prefix = specField(MCP_SERVER_REGISTRATION, 'prefix');
    expect(prefix['x-kubernetes-validations']).toEqual([{ rule: 'self == oldSelf', message: PREFIX_IMMUTABLE_MESSAGE }]);
    expect(PREFIX_IMMUTABLE_MESSAGE).toMatch(/delete and re-create/);
    // The default makes the field always present, so the transition rule also covers
    // adding or removing it.
    expect(prefix.default).toBe('');
  });

  it('accepts the same lower-case prefixes as the gateway configuration', () => {
    const prefix = specField(MCP_SERVER_REGISTRATION, 'prefix');
    expect(prefix.pattern).toBe(SERVER_PREFIX_PATTERN.source);
    for (const ok of ['', 'weather_', 'ev-', 'a1']) expect(ok).toMatch(pattern(prefix));
    for (const bad of ['Weather_', 'weather.', 'weather ']) expect(bad).not.toMatch(pattern(prefix));
  });

  it('defaults path to /mcp and state to Enabled, and needs both name and key in credentialRef', () => {
    expect(specField(MCP_SERVER_REGISTRATION, 'path')).toMatchObject({ default: '/mcp' });
    for (const ok of ['/mcp', '/', '/v1/mcp']) expect(ok).toMatch(pattern(specField(MCP_SERVER_REGISTRATION, 'path')));
    for (const bad of ['mcp', '/mcp?x=1', 'http://x/mcp']) expect(bad).not.toMatch(pattern(specField(MCP_SERVER_REGISTRATION, 'path')));
    expect(specField(MCP_SERVER_REGISTRATION, 'state')).toMatchObject({ enum: ['Enabled', 'Disabled'], default: 'Enabled' });
    expect(specField(MCP_SERVER_REGISTRATION, 'credentialRef').required).toEqual(['name', 'key']);
  });

  it('shows the prefix, route and state in kubectl get', () => {
    const columns = MCP_SERVER_REGISTRATION.printerColumns.filter((column) => column.priority === undefined).map((column) => [column.name, column.jsonPath]);
    expect(columns).toEqual([
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Prefix', '.spec.prefix'],
      ['Route', '.spec.targetRef.name'],
      ['State', '.spec.state'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });
});

describe('MCPVirtualServer schema', () => {
  it('has a description and sets of tool and prompt names', () => {
    expect(specField(MCP_VIRTUAL_SERVER, 'description').type).toBe('string');
    for (const field of ['tools', 'prompts']) {
      expect(specField(MCP_VIRTUAL_SERVER, field)).toMatchObject({ type: 'array', items: { type: 'string', minLength: 1 }, 'x-kubernetes-list-type': 'set' });
    }
  });
});
