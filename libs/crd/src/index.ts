export { GATEWAY_API_GROUP, MCP_API_GROUP, SERVED_VERSIONS, STORAGE_VERSION } from './api-group';
export type { McpApiVersion, ServedVersion } from './api-group';
export {
  CONDITION_REASON_DESCRIPTIONS,
  CONDITION_TYPE_DESCRIPTIONS,
  ConditionReason,
  ConditionStatus,
  ConditionType,
  conditionSchema,
  resourceStatusSchema,
} from './condition';
export type { Condition, ResourceStatus } from './condition';
export type { CelValidationRule, OpenApiSchema } from './openapi-schema';
export { AGE_COLUMN, KUBERNETES_PATTERNS, READY_COLUMN, READY_REASON_COLUMN } from './custom-resource-kind';
export type { CustomResource, CustomResourceKind, ObjectMeta, PrinterColumn } from './custom-resource-kind';
export {
  BACKEND_PING_INTERVAL_SECONDS_RANGE,
  DataPlane,
  GATEWAY_LOG_LEVELS,
  HttpRouteManagement,
  MCP_GATEWAY_EXTENSION,
  MCP_GATEWAY_EXTENSION_DEFAULTS,
  mcpGatewayExtensionSpecSchema,
} from './mcp-gateway-extension';
export type { GatewayListenerReference, GatewayLogLevel, MCPGatewayExtension, MCPGatewayExtensionSpec } from './mcp-gateway-extension';
export {
  MCP_SERVER_REGISTRATION,
  MCP_SERVER_REGISTRATION_DEFAULTS,
  mcpServerRegistrationSpecSchema,
  PREFIX_IMMUTABLE_MESSAGE,
  ServerState,
  TOOL_PREFIX_MAX_LENGTH,
  TOOL_PREFIX_PATTERN,
} from './mcp-server-registration';
export type { HttpRouteReference, MCPServerRegistration, MCPServerRegistrationSpec, SecretKeyReference } from './mcp-server-registration';
export { MCP_VIRTUAL_SERVER, mcpVirtualServerSpecSchema } from './mcp-virtual-server';
export type { MCPVirtualServer, MCPVirtualServerSpec } from './mcp-virtual-server';
export { buildCustomResourceDefinition, GATEWAY_KINDS } from './custom-resource-definition';
export type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './custom-resource-definition';
export { CRD_OUTPUT_DIRECTORY, GENERATE_CRDS_COMMAND, renderCrdFiles } from './render-crd-files';
export type { RenderedCrdFile } from './render-crd-files';
export { CRD_REFERENCE_PATH, GENERATE_CRD_REFERENCE_COMMAND, listSchemaFields, renderCrdReference } from './render-crd-reference';
export type { CrdReferenceField } from './render-crd-reference';
export {
  CRD_EXAMPLES,
  RELEASE_NOTES_EXTENSION,
  RELEASE_NOTES_EXTENSION_WITH_SESSION_STORE,
  MCP_GATEWAY_EXTENSION_EXAMPLE, MCP_SERVER_REGISTRATION_EXAMPLE, MCP_VIRTUAL_SERVER_EXAMPLE } from './crd-examples';
