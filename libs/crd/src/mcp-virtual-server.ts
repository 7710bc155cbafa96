import type { CustomResource, CustomResourceKind } from './custom-resource-kind';
import { AGE_COLUMN, READY_COLUMN, READY_REASON_COLUMN } from './custom-resource-kind';
import type { OpenApiSchema } from './openapi-schema';

// MCPVirtualServer: a named subset of the gateway's tools and prompts, so an agent can be
// given only what it needs. Names are the gateway's (prefixed) names.

export interface MCPVirtualServerSpec {
  description?: string;
  /** Prefixed tool names, e.g. `weather_forecast`. */
  tools?: string[];
  /** Prefixed prompt names. */
  prompts?: string[];
}

export type MCPVirtualServer = CustomResource<'MCPVirtualServer', MCPVirtualServerSpec>;

const MAX_NAMES = 1024;

const nameListSchema = (what: string): OpenApiSchema => ({
  type: 'array',
  description: `Gateway (prefixed) names of the ${what} this virtual server offers.`,
  maxItems: MAX_NAMES,
  items: { type: 'string', minLength: 1, maxLength: 256 },
  'x-kubernetes-list-type': 'set',
});

export const mcpVirtualServerSpecSchema: OpenApiSchema = {
  type: 'object',
  description: 'The tools and prompts this virtual server exposes.',
  properties: {
    description: { type: 'string', description: 'What this virtual server is for; shown to people, not to agents.', maxLength: 1024 },
    tools: nameListSchema('tools'),
    prompts: nameListSchema('prompts'),
  },
};

export const MCP_VIRTUAL_SERVER: CustomResourceKind = {
  kind: 'MCPVirtualServer',
  listKind: 'MCPVirtualServerList',
  plural: 'mcpvirtualservers',
  singular: 'mcpvirtualserver',
  shortNames: ['mcpvs'],
  categories: ['mcp'],
  description: 'A named subset of the MCP gateway\'s tools and prompts.',
  specSchema: mcpVirtualServerSpecSchema,
  printerColumns: [
    READY_COLUMN,
    { name: 'Description', type: 'string', jsonPath: '.spec.description', description: 'What it is for' },
    { name: 'Tools', type: 'string', jsonPath: '.spec.tools', description: 'Tools offered', priority: 1 },
    { name: 'Prompts', type: 'string', jsonPath: '.spec.prompts', description: 'Prompts offered', priority: 1 },
    READY_REASON_COLUMN,
    AGE_COLUMN,
  ],
};
