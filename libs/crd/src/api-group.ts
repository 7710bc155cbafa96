// The API group and versions every gateway custom resource is served under. `v1alpha1` is
// kept so manifests written for the tech preview still apply; both versions share one
// schema, so no conversion webhook is needed, and `v1` is what the API server stores.

export const MCP_API_GROUP = 'mcp.kuadrant.io';
export const SERVED_VERSIONS = ['v1alpha1', 'v1'] as const;
export type ServedVersion = (typeof SERVED_VERSIONS)[number];
export const STORAGE_VERSION: ServedVersion = 'v1';

/** `mcp.kuadrant.io/v1alpha1` | `mcp.kuadrant.io/v1` */
export type McpApiVersion = `${typeof MCP_API_GROUP}/${ServedVersion}`;

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
