import { GATEWAY_API_GROUP } from './api-group';
import type { CustomResource, CustomResourceKind } from './custom-resource-kind';
import { AGE_COLUMN, KUBERNETES_PATTERNS, READY_COLUMN, READY_REASON_COLUMN } from './custom-resource-kind';
import type { OpenApiSchema } from './openapi-schema';

// MCPGatewayExtension: turns one listener of a Gateway API Gateway into an MCP gateway.
// The operator deploys the broker and router for it and, depending on the data plane mode,
// either sends /mcp to the router's HTTP face (Proxy: any Gateway API implementation) or
// wires Envoy's ext_proc filter to the router and sends /mcp to the broker (ExtProc: Istio
// or Envoy Gateway); unless told not to, it creates that HTTPRoute.

export const HttpRouteManagement = { Enabled: 'Enabled', Disabled: 'Disabled' } as const;
export type HttpRouteManagement = (typeof HttpRouteManagement)[keyof typeof HttpRouteManagement];

/** How MCP traffic flows through the Gateway (docs/data-plane.md). */
export const DataPlane = { ExtProc: 'ExtProc', Proxy: 'Proxy' } as const;
export type DataPlane = (typeof DataPlane)[keyof typeof DataPlane];

export const GATEWAY_LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type GatewayLogLevel = (typeof GATEWAY_LOG_LEVELS)[number];

export const MCP_GATEWAY_EXTENSION_DEFAULTS = Object.freeze({
  targetRefGroup: GATEWAY_API_GROUP,
  targetRefKind: 'Gateway',
  httpRouteManagement: HttpRouteManagement.Enabled,
  dataPlane: DataPlane.Proxy as DataPlane,
  backendPingIntervalSeconds: 60,
  logLevel: 'info' as GatewayLogLevel,
});

export const BACKEND_PING_INTERVAL_SECONDS_RANGE = Object.freeze({ minimum: 10, maximum: 7200 });

/** A listener of a Gateway (Gateway API ParentReference shape). */
export interface GatewayListenerReference {
  /** Default `gateway.networking.k8s.io`. */
  group?: string;
  /** Default `Gateway`. */
  kind?: string;
  name: string;
  /** Default: the namespace of the MCPGatewayExtension. */
  namespace?: string;
  /** Listener name; unset = every listener of the Gateway. */
  sectionName?: string;
}

export interface MCPGatewayExtensionSpec {
  targetRef: GatewayListenerReference;
  sessionStore?: { secretName: string };
  publicHost?: string;
  privateHost?: string;
  /** Default `Enabled`. */
  httpRouteManagement?: HttpRouteManagement;
  /** Default `Proxy`. */
  dataPlane?: DataPlane;
  /** 10–7200, default 60. */
  backendPingIntervalSeconds?: number;
  /** Default `info`. */
  logLevel?: GatewayLogLevel;
  brokerReplicas?: number;
  routerReplicas?: number;
}

export type MCPGatewayExtension = CustomResource<'MCPGatewayExtension', MCPGatewayExtensionSpec>;

const targetRefSchema: OpenApiSchema = {
  type: 'object',
  description: 'The Gateway listener this extension serves MCP on.',
  required: ['name'],
  properties: {
    group: { type: 'string', description: 'API group of the target.', default: MCP_GATEWAY_EXTENSION_DEFAULTS.targetRefGroup, maxLength: 253 },
    kind: { type: 'string', description: 'Kind of the target.', default: MCP_GATEWAY_EXTENSION_DEFAULTS.targetRefKind, maxLength: 63 },
    name: { type: 'string', description: 'Name of the Gateway.', minLength: 1, maxLength: 253, pattern: KUBERNETES_PATTERNS.dnsSubdomain },
    namespace: {
      type: 'string',
      description: 'Namespace of the Gateway. Defaults to the namespace of this MCPGatewayExtension.',
      minLength: 1,
      maxLength: 63,
      pattern: KUBERNETES_PATTERNS.dnsLabel,
    },
    sectionName: {
      type: 'string',
      description: 'Name of the listener on the Gateway. When unset, the extension applies to every listener.',
      minLength: 1,
      maxLength: 253,
      pattern: KUBERNETES_PATTERNS.dnsSubdomain,
    },
  },
  'x-kubernetes-validations': [
    {
      rule: `self.group == '${GATEWAY_API_GROUP}' && self.kind == 'Gateway'`,
      message: `targetRef must reference a Gateway (group ${GATEWAY_API_GROUP}, kind Gateway)`,
    },
  ],
};

export const mcpGatewayExtensionSpecSchema: OpenApiSchema = {
  type: 'object',
  description: 'Desired state of the MCP gateway on the targeted listener.',
  required: ['targetRef'],
  properties: {
    targetRef: targetRefSchema,
    sessionStore: {
      type: 'object',
      description:
        'Shared session store for multi-replica deployments. When unset, sessions live in memory and the broker and router run one replica each.',
      required: ['secretName'],
      properties: {
        secretName: {
          type: 'string',
          description: 'Secret in this namespace holding the Redis connection URL under the key CACHE_CONNECTION_STRING.',
          minLength: 1,
          maxLength: 253,
          pattern: KUBERNETES_PATTERNS.dnsSubdomain,
        },
      },
    },
    publicHost: {
      type: 'string',
      description: 'Host name clients use to reach the gateway; accepted in Host/Origin checks and advertised in OAuth metadata.',
      maxLength: 253,
      pattern: KUBERNETES_PATTERNS.hostname,
    },
    privateHost: {
      type: 'string',
      description: 'Host (and optional port) the router uses to reach upstream servers through the Gateway from inside the cluster.',
      maxLength: 259,
      pattern: KUBERNETES_PATTERNS.hostWithPort,
    },
    httpRouteManagement: {
      type: 'string',
      description:
        'Enabled: the operator creates and owns the HTTPRoute that sends /mcp to the router (Proxy) or to the broker plus one rule per upstream server (ExtProc). Disabled: you write it yourself.',
      enum: [HttpRouteManagement.Enabled, HttpRouteManagement.Disabled],
      default: MCP_GATEWAY_EXTENSION_DEFAULTS.httpRouteManagement,
    },
    dataPlane: {
      type: 'string',
      description:
        'How MCP traffic flows. Proxy: the Gateway sends /mcp to the router, which proxies it (works with any Gateway API implementation). ExtProc: Envoy carries the traffic and asks the router over ext_proc where each request goes (Istio or Envoy Gateway only; the operator writes the EnvoyFilter or EnvoyExtensionPolicy).',
      enum: [DataPlane.ExtProc, DataPlane.Proxy],
      default: MCP_GATEWAY_EXTENSION_DEFAULTS.dataPlane,
    },
    backendPingIntervalSeconds: {
      type: 'integer',
      format: 'int32',
      description: 'Seconds between health pings from the broker to each upstream MCP server.',
      minimum: BACKEND_PING_INTERVAL_SECONDS_RANGE.minimum,
      maximum: BACKEND_PING_INTERVAL_SECONDS_RANGE.maximum,
      default: MCP_GATEWAY_EXTENSION_DEFAULTS.backendPingIntervalSeconds,
    },
    logLevel: {
      type: 'string',
      description: 'Log level of the broker and router.',
      enum: [...GATEWAY_LOG_LEVELS],
      default: MCP_GATEWAY_EXTENSION_DEFAULTS.logLevel,
    },
    brokerReplicas: { type: 'integer', format: 'int32', minimum: 1, description: 'Broker replicas. More than one requires sessionStore.' },
    routerReplicas: { type: 'integer', format: 'int32', minimum: 1, description: 'Router replicas. More than one requires sessionStore.' },
  },
  'x-kubernetes-validations': [
    {
      rule: "has(self.sessionStore) || ((!has(self.brokerReplicas) || self.brokerReplicas == 1) && (!has(self.routerReplicas) || self.routerReplicas == 1))",
      message: 'more than one broker or router replica needs spec.sessionStore: replicas share sessions through Redis',
    },
  ],
};

export const MCP_GATEWAY_EXTENSION: CustomResourceKind = {
  kind: 'MCPGatewayExtension',
  listKind: 'MCPGatewayExtensionList',
  plural: 'mcpgatewayextensions',
  singular: 'mcpgatewayextension',
  shortNames: ['mcpge'],
  categories: ['mcp'],
  description: 'Serves MCP on a Gateway listener: the operator deploys the MCP broker and router for it and wires them into the Gateway.',
  specSchema: mcpGatewayExtensionSpecSchema,
  printerColumns: [
    READY_COLUMN,
    { name: 'Gateway', type: 'string', jsonPath: '.spec.targetRef.name', description: 'Targeted Gateway' },
    { name: 'Listener', type: 'string', jsonPath: '.spec.targetRef.sectionName', description: 'Targeted listener' },
    { name: 'Public Host', type: 'string', jsonPath: '.spec.publicHost', description: 'Host clients connect to' },
    READY_REASON_COLUMN,
    AGE_COLUMN,
  ],
};
