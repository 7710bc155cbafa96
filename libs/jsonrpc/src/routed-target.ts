// The one params field that names the upstream-owned thing a routed request is about, and a
// way to rewrite it. The router reads it to pick the upstream and writes it to strip the
// gateway's prefix. The stateless era mirrors the same value in the Mcp-Name header.
import type { JsonRpcRequest } from './json-rpc-message';
import { McpMethod } from './mcp-method';

export interface RoutedTarget {
  /** `name` for tools and prompts, `uri` for resources (and resource-template completions). */
  field: 'name' | 'uri';
  value: string;
}

type JsonObject = Record<string, unknown>;

/**
 * Where the routed name is: tools/call and prompts/get → params.name; resources/read,
 * resources/subscribe and resources/unsubscribe → params.uri; completion/complete →
 * params.ref.name (ref/prompt) or params.ref.uri (ref/resource). Undefined when the method is
 * not routed or the field is missing or not a string — the caller answers -32602.
 */
export function routedTarget(request: JsonRpcRequest): RoutedTarget | undefined {
  const holder = targetHolder(request);
  if (holder === undefined) return undefined;
  const value = holder.object[holder.field];
  return typeof value === 'string' ? { field: holder.field, value } : undefined;
}

/**
 * A copy of `request` with the routed target set to `value`; only the objects on the path to
 * that field are copied, everything else is shared. Returns `request` itself when it has no
 * routed target.
 */
export function withRoutedTarget(request: JsonRpcRequest, value: string): JsonRpcRequest {
  const holder = targetHolder(request);
  if (holder === undefined || typeof holder.object[holder.field] !== 'string') return request;
  const params = request.params as JsonObject;
  if (holder.object === params) return { ...request, params: { ...params, [holder.field]: value } };
  return { ...request, params: { ...params, ref: { ...holder.object, [holder.field]: value } } };
}

function targetHolder(request: JsonRpcRequest): { object: JsonObject; field: 'name' | 'uri' } | undefined {
  const params = request.params;
  if (!isObject(params)) return undefined;
  switch (request.method) {
    case McpMethod.ToolsCall:
    case McpMethod.PromptsGet:
      return { object: params, field: 'name' };
    case McpMethod.ResourcesRead:
    case McpMethod.ResourcesSubscribe:
    case McpMethod.ResourcesUnsubscribe:
      return { object: params, field: 'uri' };
    case McpMethod.CompletionComplete: {
      // MCP "Completion": ref is a PromptReference or a ResourceTemplateReference.
      const ref = params.ref;
      if (!isObject(ref)) return undefined;
      if (ref.type === 'ref/prompt') return { object: ref, field: 'name' };
      if (ref.type === 'ref/resource') return { object: ref, field: 'uri' };
      return undefined;
    }
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
