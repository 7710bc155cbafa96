import { GATEWAY_API_GROUP } from './api-group';
import type { CustomResource, CustomResourceKind } from './custom-resource-kind';
import { AGE_COLUMN, KUBERNETES_PATTERNS, READY_COLUMN, READY_REASON_COLUMN } from './custom-resource-kind';
import type { OpenApiSchema } from './openapi-schema';

// MCPServerRegistration: puts one upstream MCP server behind the gateway. The server is
// reached through an HTTPRoute (so Gateway policies apply to it); its tools and prompts
// are published under `prefix`.

export const ServerState = { Enabled: 'Enabled', Disabled: 'Disabled' } as const;
export type ServerState = (typeof ServerState)[keyof typeof ServerState];

/** Same rule as the gateway config's `servers[].prefix`. */
export const TOOL_PREFIX_PATTERN = '^[a-z0-9_-]*$';
export const TOOL_PREFIX_MAX_LENGTH = 64;

export const MCP_SERVER_REGISTRATION_DEFAULTS = Object.freeze({
  targetRefGroup: GATEWAY_API_GROUP,
  targetRefKind: 'HTTPRoute',
  prefix: '',
  path: '/mcp',
  state: ServerState.Enabled,
});

export interface HttpRouteReference {
  /** Default `gateway.networking.k8s.io`. */
  group?: string;
  /** Default `HTTPRoute`. */
  kind?: string;
  name: string;
  /** Default: the namespace of the MCPServerRegistration. */
  namespace?: string;
}

export interface SecretKeyReference {
  name: string;
  key: string;
}

export interface MCPServerRegistrationSpec {
  targetRef: HttpRouteReference;
  /** Prepended to the server's tool and prompt names. Default `''`. Immutable. */
  prefix?: string;
  /** Path of the MCP endpoint on the routed host. Default `/mcp`. */
  path?: string;
  credentialRef?: SecretKeyReference;
  /** Default `Enabled`. */
  state?: ServerState;
}

export type MCPServerRegistration = CustomResource<'MCPServerRegistration', MCPServerRegistrationSpec>;

export const PREFIX_IMMUTABLE_MESSAGE =
  'prefix cannot be changed: clients know tools by their prefixed names; delete and re-create the MCPServerRegistration to use a new prefix';

export const mcpServerRegistrationSpecSchema: OpenApiSchema = {
  type: 'object',
  description: 'The upstream MCP server to federate.',
  required: ['targetRef'],
  properties: {
    targetRef: {
      type: 'object',
      description: 'The HTTPRoute through which the gateway reaches the MCP server.',
      required: ['name'],
      properties: {
        group: { type: 'string', description: 'API group of the target.', default: MCP_SERVER_REGISTRATION_DEFAULTS.targetRefGroup, maxLength: 253 },
        kind: { type: 'string', description: 'Kind of the target.', default: MCP_SERVER_REGISTRATION_DEFAULTS.targetRefKind, maxLength: 63 },
        name: { type: 'string', description: 'Name of the HTTPRoute.', minLength: 1, maxLength: 253, pattern: KUBERNETES_PATTERNS.dnsSubdomain },
        namespace: {
          type: 'string',
          description: 'Namespace of the HTTPRoute. Defaults to the namespace of this MCPServerRegistration.',
          minLength: 1,
          maxLength: 63,
          pattern: KUBERNETES_PATTERNS.dnsLabel,
        },
      },
      'x-kubernetes-validations': [
        {
          rule: `self.group == '${GATEWAY_API_GROUP}' && self.kind == 'HTTPRoute'`,
          message: `targetRef must reference an HTTPRoute (group ${GATEWAY_API_GROUP}, kind HTTPRoute)`,
        },
      ],
    },
    prefix: {
      type: 'string',
      description:
        'Prepended to the names of the server\'s tools and prompts (prefix "weather_" + tool "forecast" = "weather_forecast"). Lower-case letters, digits, "_" and "-"; empty for no prefix. Unique per gateway. Cannot be changed.',
      pattern: TOOL_PREFIX_PATTERN,
      maxLength: TOOL_PREFIX_MAX_LENGTH,
      default: MCP_SERVER_REGISTRATION_DEFAULTS.prefix,
      // A transition rule: runs on update only, comparing with the stored object. With the
      // default above the field always exists, so adding or removing it is covered too.
      'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: PREFIX_IMMUTABLE_MESSAGE }],
    },
    path: {
      type: 'string',
      description: 'Path of the server\'s MCP endpoint on the host the HTTPRoute serves.',
      pattern: '^/[^?#\\s]*$',
      maxLength: 1024,
      default: MCP_SERVER_REGISTRATION_DEFAULTS.path,
    },
    credentialRef: {
      type: 'object',
      description: 'Secret key whose value the gateway sends to the server in the Authorization header (verbatim, e.g. "Bearer <token>").',
      required: ['name', 'key'],
      properties: {
        name: { type: 'string', description: 'Secret in this namespace.', minLength: 1, maxLength: 253, pattern: KUBERNETES_PATTERNS.dnsSubdomain },
        key: { type: 'string', description: 'Key in the Secret.', minLength: 1, maxLength: 253, pattern: KUBERNETES_PATTERNS.secretKey },
      },
    },
    state: {
      type: 'string',
      description: 'Disabled keeps the registration but stops serving the server\'s tools.',
      enum: [ServerState.Enabled, ServerState.Disabled],
      default: MCP_SERVER_REGISTRATION_DEFAULTS.state,
    },
  },
};

export const MCP_SERVER_REGISTRATION: CustomResourceKind = {
  kind: 'MCPServerRegistration',
  listKind: 'MCPServerRegistrationList',
  plural: 'mcpserverregistrations',
  singular: 'mcpserverregistration',
  shortNames: ['mcpsr'],
  categories: ['mcp'],
  description: 'Registers an upstream MCP server, reached through an HTTPRoute, with the MCP gateway; its tools are published under a prefix.',
  specSchema: mcpServerRegistrationSpecSchema,
  printerColumns: [
    READY_COLUMN,
    { name: 'Prefix', type: 'string', jsonPath: '.spec.prefix', description: 'Tool name prefix' },
    { name: 'Route', type: 'string', jsonPath: '.spec.targetRef.name', description: 'HTTPRoute to the server' },
    { name: 'Path', type: 'string', jsonPath: '.spec.path', description: 'MCP endpoint path', priority: 1 },
    { name: 'State', type: 'string', jsonPath: '.spec.state', description: 'Enabled or Disabled' },
    READY_REASON_COLUMN,
    AGE_COLUMN,
  ],
};
