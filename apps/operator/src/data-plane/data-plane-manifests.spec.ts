// The Envoy wiring the operator writes, checked against the APIs that will read it:
// - the EnvoyFilter and the EnvoyExtensionPolicy against JSON schemas of the fields their
//   APIs define (networking.istio.io/v1alpha3 EnvoyFilter, gateway.envoyproxy.io/v1alpha1
//   EnvoyExtensionPolicy; unknown fields refused, as a structural CRD would prune them);
// - the ext_proc filter inside the EnvoyFilter against Envoy's own proto
//   (envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor from @grpc/grpc-js-xds):
//   every key a field, every enum value defined, durations well formed, Any resolved;
// - the managed HTTPRoute of the ExtProc mode against Gateway API's limits.
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import protobuf from 'protobufjs';
import { componentNames } from '../gateway-extension/component-names';
import { extensionComponents } from '../gateway-extension/extension-components';
import type { KubeObject } from '../kube/kube-object';
import type { ServedServer } from '../server-registration/gateway-server-set';
import { envoyGatewayExtensionPolicy, extProcReferenceGrant } from './envoy-gateway-extension-policy';
import { EXT_PROC_CONFIG_TYPE, ROUTER_EXT_PROC_PORT } from './ext-proc-filter-config';
import { istioEnvoyFilter } from './istio-envoy-filter';
import { MAX_ROUTED_SERVERS, upstreamRouteRules } from './upstream-route-rules';

const extension: KubeObject = { apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPGatewayExtension', metadata: { name: 'tools', namespace: 'team-a', uid: 'uid-1' }, spec: { targetRef: { name: 'shared', namespace: 'gateway-system', sectionName: 'mcp' }, dataPlane: 'ExtProc' } };
const gateway: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'shared', namespace: 'gateway-system' }, spec: { gatewayClassName: 'istio' } };
const listeners = [{ name: 'mcp', port: 8080, hostname: 'mcp.example.com' }];
const router = { serviceHost: 'tools-router.team-a.svc.cluster.local', port: ROUTER_EXT_PROC_PORT };

const string = { type: 'string', minLength: 1 };
const strict = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, properties, required });
const metadataSchema = strict({ name: string, namespace: string, labels: { type: 'object', additionalProperties: { type: 'string' } }, ownerReferences: { type: 'array' } }, ['name', 'namespace']);

/** networking.istio.io/v1alpha3 EnvoyFilter, the fields of Istio's API reference this uses. */
const envoyFilterSchema = strict(
  {
    apiVersion: { const: 'networking.istio.io/v1alpha3' },
    kind: { const: 'EnvoyFilter' },
    metadata: metadataSchema,
    spec: strict(
      {
        workloadSelector: strict({ labels: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 } }, ['labels']),
        configPatches: {
          type: 'array',
          minItems: 1,
          items: strict(
            {
              applyTo: { enum: ['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER', 'ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE', 'CLUSTER', 'EXTENSION_CONFIG', 'BOOTSTRAP', 'LISTENER_FILTER'] },
              match: strict(
                {
                  context: { enum: ['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY'] },
                  listener: strict({
                    portNumber: { type: 'integer', minimum: 1, maximum: 65535 },
                    filterChain: strict({ filter: strict({ name: string, subFilter: strict({ name: string }, ['name']) }, ['name']) }),
                  }),
                },
                ['context'],
              ),
              patch: strict({ operation: { enum: ['MERGE', 'ADD', 'REMOVE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE'] }, value: { type: 'object' } }, ['operation', 'value']),
            },
            ['applyTo', 'match', 'patch'],
          ),
        },
      },
      ['configPatches'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

/** gateway.envoyproxy.io/v1alpha1 EnvoyExtensionPolicy, the ExtProc fields of Envoy Gateway's API. */
const gatewayApiDuration = { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' };
const bodyMode = { enum: ['Streamed', 'Buffered', 'BufferedPartial', 'FullDuplexStreamed'] };
const envoyExtensionPolicySchema = strict(
  {
    apiVersion: { const: 'gateway.envoyproxy.io/v1alpha1' },
    kind: { const: 'EnvoyExtensionPolicy' },
    metadata: metadataSchema,
    spec: strict(
      {
        targetRefs: { type: 'array', minItems: 1, items: strict({ group: { const: 'gateway.networking.k8s.io' }, kind: { enum: ['Gateway', 'HTTPRoute', 'GRPCRoute'] }, name: string, sectionName: string }, ['group', 'kind', 'name']) },
        extProc: {
          type: 'array',
          minItems: 1,
          items: strict(
            {
              backendRefs: { type: 'array', minItems: 1, maxItems: 1, items: strict({ group: { const: '' }, kind: { const: 'Service' }, name: string, namespace: string, port: { type: 'integer', minimum: 1, maximum: 65535 } }, ['name', 'port']) },
              messageTimeout: gatewayApiDuration,
              failOpen: { type: 'boolean' },
              processingMode: strict({ request: strict({ body: bodyMode, attributes: { type: 'array' } }), response: strict({ body: bodyMode, attributes: { type: 'array' } }), allowModeOverride: { type: 'boolean' } }),
            },
            ['backendRefs'],
          ),
        },
      },
      ['targetRefs'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const ajv = new Ajv({ allErrors: true, strict: false });

function schemaErrors(schema: object, value: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

// ---- Envoy's proto, strictly -----------------------------------------------------------

const require = createRequire(import.meta.url);
const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
// google/protobuf/descriptor.proto ships with protobufjs as JSON (as @grpc/proto-loader loads it).
const descriptorJson = require('protobufjs/google/protobuf/descriptor.json') as { nested: { google: { nested: { protobuf: { nested: Record<string, unknown> } } } } };
protobuf.common('descriptor', descriptorJson.nested.google.nested.protobuf.nested as Parameters<typeof protobuf.common>[1]);
const protoRoot = new protobuf.Root();
protoRoot.resolvePath = (_origin, target) => {
  for (const folder of ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate']) {
    const candidate = path.join(deps, folder, target);
    if (existsSync(candidate)) return candidate;
  }
  return target;
};
protoRoot.loadSync('envoy/extensions/filters/http/ext_proc/v3/ext_proc.proto', { keepCase: true });
protoRoot.resolveAll();

const DURATION = /^-?\d+(\.\d{1,9})?s$/;
const WRAPPERS: Record<string, string> = { BoolValue: 'boolean', UInt32Value: 'number', StringValue: 'string', DoubleValue: 'number' };

/** Proto-JSON (as Envoy reads it from an EnvoyFilter) checked field by field. */
function protoErrors(type: protobuf.Type, value: unknown, at: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected an object for ${type.fullName}`];
  const errors: string[] = [];
  for (const [key, fieldValue] of Object.entries(value)) {
    if (key === '@type') continue;
    const field = type.fields[key] ?? Object.values(type.fields).find((candidate) => candidate.name === key || (candidate as protobuf.Field & { jsonName?: string }).jsonName === key);
    if (!field) {
      errors.push(`${at}.${key}: ${type.fullName.replace(/^\./, '')} has no such field`);
      continue;
    }
    const values = field.repeated ? (Array.isArray(fieldValue) ? fieldValue : [Symbol('not an array')]) : [fieldValue];
    for (const [index, item] of values.entries()) errors.push(...fieldErrors(field, item, field.repeated ? `${at}.${key}[${index}]` : `${at}.${key}`));
  }
  return errors;
}

function fieldErrors(field: protobuf.Field, value: unknown, at: string): string[] {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return typeof value === 'string' && value in resolved.values ? [] : [`${at}: ${String(value)} is not a ${resolved.fullName}`];
  if (resolved instanceof protobuf.Type) {
    const name = resolved.fullName.replace(/^\./, '');
    if (name === 'google.protobuf.Duration') return typeof value === 'string' && DURATION.test(value) ? [] : [`${at}: not a Duration`];
    if (name.startsWith('google.protobuf.') && WRAPPERS[resolved.name] !== undefined) return typeof value === WRAPPERS[resolved.name] ? [] : [`${at}: not a ${resolved.name}`];
    if (name === 'google.protobuf.Any') {
      const typeUrl = (value as Record<string, unknown>)['@type'];
      const inner = typeof typeUrl === 'string' ? protoRoot.lookupType(typeUrl.replace(/^type\.googleapis\.com\//, '')) : undefined;
      return inner ? protoErrors(inner, value, at) : [`${at}: Any without a known @type`];
    }
    return protoErrors(resolved, value, at);
  }
  const expected: Record<string, string> = { string: 'string', bool: 'boolean', uint32: 'number', int32: 'number', double: 'number', float: 'number', bytes: 'string', uint64: 'string', int64: 'string' };
  return typeof value === expected[field.type] || (field.type.endsWith('64') && typeof value === 'number') ? [] : [`${at}: expected ${field.type}`];
}

const extProcType = protoRoot.lookupType('envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor');

// ---- the checks ------------------------------------------------------------------------

describe('Istio EnvoyFilter for the ExtProc data plane', () => {
  const filter = istioEnvoyFilter({ extension, gateway, listeners, router });
  const patch = (filter['spec'] as { configPatches: Array<{ patch: { value: { name: string; typed_config: Record<string, unknown> } } }> }).configPatches[0];

  it('matches the EnvoyFilter API', () => {
    expect(schemaErrors(envoyFilterSchema, filter)).toEqual([]);
  });

  it('carries an ext_proc filter Envoy accepts, field by field', () => {
    const typedConfig = patch?.patch.value.typed_config ?? {};
    expect(typedConfig['@type']).toBe(EXT_PROC_CONFIG_TYPE);
    expect(protoErrors(extProcType, typedConfig, 'typed_config')).toEqual([]);
  });

  it('would be caught if it named a field Envoy does not know', () => {
    expect(protoErrors(extProcType, { ...(patch?.patch.value.typed_config ?? {}), append_action: 'OVERWRITE' }, 'typed_config')).toEqual(['typed_config.append_action: envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor has no such field']);
    expect(protoErrors(extProcType, { message_timeout: '10 seconds' }, 'typed_config')).toEqual(['typed_config.message_timeout: not a Duration']);
    expect(protoErrors(extProcType, { processing_mode: { response_body_mode: 'FULL_DUPLEX_STREAMED' } }, 'typed_config')).toHaveLength(1);
  });

  it('selects the Gateway’s pods, sits before the router filter on the served port, and sends the gateway’s processing mode to the router', () => {
    expect(filter.metadata.namespace).toBe('gateway-system');
    expect(filter.metadata.ownerReferences).toBeUndefined();
    expect(filter['spec']).toMatchObject({
      workloadSelector: { labels: { 'gateway.networking.k8s.io/gateway-name': 'shared' } },
      configPatches: [{ applyTo: 'HTTP_FILTER', match: { context: 'GATEWAY', listener: { portNumber: 8080, filterChain: { filter: { subFilter: { name: 'envoy.filters.http.router' } } } } }, patch: { operation: 'INSERT_BEFORE' } }],
    });
    expect(patch?.patch.value.typed_config).toMatchObject({
      grpc_service: { envoy_grpc: { cluster_name: 'outbound|50052||tools-router.team-a.svc.cluster.local' } },
      processing_mode: { request_header_mode: 'SEND', response_header_mode: 'SEND', request_body_mode: 'BUFFERED', response_body_mode: 'STREAMED' },
      message_timeout: '10s',
      allow_mode_override: true,
      failure_mode_allow: false,
    });
  });
});

describe('Envoy Gateway EnvoyExtensionPolicy for the ExtProc data plane', () => {
  const policy = envoyGatewayExtensionPolicy({ extension, gateway, listeners, router, routerServiceName: 'tools-router' });

  it('matches the EnvoyExtensionPolicy API', () => {
    expect(schemaErrors(envoyExtensionPolicySchema, policy)).toEqual([]);
  });

  it('targets the served listener and sends the router the gateway’s processing mode', () => {
    expect(policy['spec']).toMatchObject({
      targetRefs: [{ kind: 'Gateway', name: 'shared', sectionName: 'mcp' }],
      extProc: [{ backendRefs: [{ name: 'tools-router', namespace: 'team-a', port: ROUTER_EXT_PROC_PORT }], messageTimeout: '10s', failOpen: false, processingMode: { request: { body: 'Buffered' }, response: { body: 'Streamed' }, allowModeOverride: true } }],
    });
  });

  it('comes with a ReferenceGrant next to the router Service when the Gateway lives elsewhere', () => {
    expect(extProcReferenceGrant(extension, 'gateway-system', 'tools-router')).toMatchObject({
      metadata: { namespace: 'team-a' },
      spec: { from: [{ group: 'gateway.envoyproxy.io', kind: 'EnvoyExtensionPolicy', namespace: 'gateway-system' }], to: [{ group: '', kind: 'Service', name: 'tools-router' }] },
    });
  });
});

describe('the managed HTTPRoute in ExtProc mode', () => {
  const server = (index: number): ServedServer =>
    ({
      serverName: `team-a-server-${index}`,
      credentialKey: `team-a.server-${index}`,
      resolution: {
        ok: true,
        enabled: true,
        prefix: `s${index}_`,
        credentialValue: undefined,
        url: `http://server-${index}.team-b.svc.cluster.local:9090/mcp`,
        registration: { apiVersion: 'v1', kind: 'MCPServerRegistration', metadata: { name: `server-${index}`, namespace: 'team-a' } },
        route: { apiVersion: 'v1', kind: 'HTTPRoute', metadata: { name: `server-${index}`, namespace: 'team-b' }, spec: { rules: [{ backendRefs: [{ name: `server-${index}`, port: 9090 }] }] } },
      },
    }) as ServedServer;

  it('routes each server by the header the router sets, rewriting the Host, era-bridged calls to the router, and keeps /mcp for the broker', () => {
    const { rules } = upstreamRouteRules([server(1)]);
    const [route] = extensionComponents({ extension, names: componentNames('tools'), images: { broker: 'b', router: 'r' }, sessionStoreFingerprint: undefined, extProc: { upstreamRules: rules } })
      .filter((desired) => desired.object.kind === 'HTTPRoute')
      .map((desired) => desired.object);
    expect((route?.['spec'] as { rules: unknown[] }).rules).toEqual([
      {
        matches: [{ path: { type: 'Exact', value: '/mcp' }, headers: [{ type: 'Exact', name: 'x-mcp-servername', value: 'team-a-server-1' }] }],
        filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'server-1.team-b.svc.cluster.local' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'server-1', namespace: 'team-b', port: 9090 }],
      },
      { matches: [{ path: { type: 'Exact', value: '/mcp' }, headers: [{ type: 'Exact', name: 'x-mcp-route', value: 'router' }] }], backendRefs: [{ group: '', kind: 'Service', name: 'tools-router', port: 8080 }] },
      { matches: [{ path: { type: 'Exact', value: '/mcp' } }], backendRefs: [{ group: '', kind: 'Service', name: 'tools-broker', port: 8081 }] },
      expect.objectContaining({ matches: [{ path: { type: 'PathPrefix', value: '/.well-known/oauth-protected-resource' } }] }),
    ]);
  });

  it('stays within Gateway API’s 16 rules and names the servers left out', () => {
    const servers = Array.from({ length: MAX_ROUTED_SERVERS + 2 }, (_, index) => server(index));
    const { rules, unrouted } = upstreamRouteRules(servers);
    expect(rules.length + 3).toBe(16);
    expect(unrouted).toEqual([`team-a-server-${MAX_ROUTED_SERVERS}`, `team-a-server-${MAX_ROUTED_SERVERS + 1}`]);
  });

  it('serves ext_proc on the router in ExtProc mode only', () => {
    const objects = (extProc: boolean) => extensionComponents({ extension, names: componentNames('tools'), images: { broker: 'b', router: 'r' }, sessionStoreFingerprint: undefined, ...(extProc ? { extProc: { upstreamRules: [] } } : {}) });
    const routerService = (extProc: boolean) => objects(extProc).find((desired) => desired.object.kind === 'Service' && desired.object.metadata.name === 'tools-router')?.object;
    expect((routerService(true)?.['spec'] as { ports: Array<{ name: string; appProtocol: string }> }).ports).toContainEqual(expect.objectContaining({ name: 'ext-proc', port: ROUTER_EXT_PROC_PORT, appProtocol: 'grpc' }));
    expect((routerService(false)?.['spec'] as { ports: Array<{ name: string }> }).ports.map((port) => port.name)).toEqual(['http']);
  });
});
