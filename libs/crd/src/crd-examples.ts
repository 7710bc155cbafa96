import type { MCPGatewayExtension } from './mcp-gateway-extension';
import type { MCPServerRegistration } from './mcp-server-registration';
import type { MCPVirtualServer } from './mcp-virtual-server';

// One complete, valid example of each kind, in the stored version. Used by the docs, by
// the OLM bundle's `alm-examples` (which must cover every owned CRD), and by the tests
// that check examples against the schemas.

export const MCP_GATEWAY_EXTENSION_EXAMPLE: MCPGatewayExtension = {
  apiVersion: 'mcp.kuadrant.io/v1',
  kind: 'MCPGatewayExtension',
  metadata: { name: 'mcp-gateway', namespace: 'mcp-system' },
  spec: {
    targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'mcp-gateway', namespace: 'gateway-system', sectionName: 'mcp' },
    sessionStore: { secretName: 'redis-credentials' },
    publicHost: 'mcp.example.com',
    httpRouteManagement: 'Enabled',
    backendPingIntervalSeconds: 60,
    logLevel: 'info',
    brokerReplicas: 2,
    routerReplicas: 2,
  },
};

export const MCP_SERVER_REGISTRATION_EXAMPLE: MCPServerRegistration = {
  apiVersion: 'mcp.kuadrant.io/v1',
  kind: 'MCPServerRegistration',
  metadata: { name: 'weather', namespace: 'mcp-system' },
  spec: {
    targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'weather-mcp' },
    prefix: 'weather_',
    path: '/mcp',
    credentialRef: { name: 'weather-api', key: 'token' },
    state: 'Enabled',
  },
};

export const MCP_VIRTUAL_SERVER_EXAMPLE: MCPVirtualServer = {
  apiVersion: 'mcp.kuadrant.io/v1',
  kind: 'MCPVirtualServer',
  metadata: { name: 'forecasting', namespace: 'mcp-system' },
  spec: {
    description: 'Weather tools for the planning agent',
    tools: ['weather_forecast', 'weather_alerts'],
    prompts: ['weather_daily_brief'],
  },
};

export const CRD_EXAMPLES: readonly [MCPGatewayExtension, MCPServerRegistration, MCPVirtualServer] = [
  MCP_GATEWAY_EXTENSION_EXAMPLE,
  MCP_SERVER_REGISTRATION_EXAMPLE,
  MCP_VIRTUAL_SERVER_EXAMPLE,
];

// The two MCPGatewayExtension manifests of the MCP Gateway 0.6 release notes
// (shared/seed/mcp-gateway-0.6-release-notes.txt, "Kubernetes Operator and
// MCPGatewayExtension CRD" and "Redis Session Store for Horizontal Scaling"), indentation
// restored, otherwise verbatim: what users already apply must keep working.

export const RELEASE_NOTES_EXTENSION = `apiVersion: mcp.kuadrant.io/v1alpha1
kind: MCPGatewayExtension
metadata:
  name: mcp-gateway
spec:
  targetRef:
    group: gateway.networking.k8s.io
    kind: Gateway
    name: mcp-gateway
    namespace: gateway-system
    sectionName: mcp
`;

export const RELEASE_NOTES_EXTENSION_WITH_SESSION_STORE = `apiVersion: mcp.kuadrant.io/v1alpha1
kind: MCPGatewayExtension
metadata:
  name: mcp-gateway
spec:
  targetRef:
    group: gateway.networking.k8s.io
    kind: Gateway
    name: mcp-gateway
    namespace: gateway-system
    sectionName: mcp
  sessionStore:
    secretName: redis-credentials
`;
