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
