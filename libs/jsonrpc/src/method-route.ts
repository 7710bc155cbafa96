// Where a client → server message goes: to the one upstream that owns the named tool, prompt
// or resource, to the gateway itself (which answers from its aggregated view or with
// -32601), or along the client-notification path. Decided from the method name alone, with
// one map lookup, so the router can classify before it looks at params.
import { McpMethod } from './mcp-method';

export type MethodRoute =
  | { kind: 'upstream'; target: 'tool' | 'prompt' | 'resource' | 'completion' }
  | { kind: 'gateway' }
  | { kind: 'client-notification' };

const TOOL: MethodRoute = Object.freeze({ kind: 'upstream', target: 'tool' });
const PROMPT: MethodRoute = Object.freeze({ kind: 'upstream', target: 'prompt' });
const RESOURCE: MethodRoute = Object.freeze({ kind: 'upstream', target: 'resource' });
const COMPLETION: MethodRoute = Object.freeze({ kind: 'upstream', target: 'completion' });
const GATEWAY: MethodRoute = Object.freeze({ kind: 'gateway' });
const CLIENT_NOTIFICATION: MethodRoute = Object.freeze({ kind: 'client-notification' });

const ROUTES: ReadonlyMap<string, MethodRoute> = new Map<string, MethodRoute>([
  // Routed: each names exactly one upstream's tool, prompt or resource (see routedTarget).
  [McpMethod.ToolsCall, TOOL],
  [McpMethod.PromptsGet, PROMPT],
  [McpMethod.ResourcesRead, RESOURCE],
  [McpMethod.ResourcesSubscribe, RESOURCE],
  [McpMethod.ResourcesUnsubscribe, RESOURCE],
  [McpMethod.CompletionComplete, COMPLETION],
  // Answered by the gateway: lifecycle, aggregated lists, subscriptions over every upstream.
  [McpMethod.Initialize, GATEWAY],
  [McpMethod.NotificationsInitialized, GATEWAY],
  [McpMethod.Ping, GATEWAY],
  [McpMethod.ServerDiscover, GATEWAY],
  [McpMethod.SubscriptionsListen, GATEWAY],
  [McpMethod.ToolsList, GATEWAY],
  [McpMethod.PromptsList, GATEWAY],
  [McpMethod.ResourcesList, GATEWAY],
  [McpMethod.ResourcesTemplatesList, GATEWAY],
  [McpMethod.LoggingSetLevel, GATEWAY],
  // Tasks carry a task id, not a name: the gateway must find the owning upstream itself.
  [McpMethod.TasksGet, GATEWAY],
  [McpMethod.TasksResult, GATEWAY],
  [McpMethod.TasksList, GATEWAY],
  [McpMethod.TasksCancel, GATEWAY],
]);

const NOTIFICATION_PREFIX = 'notifications/';

/**
 * The route for a method a client sent. Unknown request methods go to the gateway, which
 * answers -32601 Method not found; every other `notifications/*` method (cancelled, progress,
 * roots/list_changed, and ones not yet specified) takes the client-notification path.
 */
export function classifyClientMethod(method: string): MethodRoute {
  const route = ROUTES.get(method);
  if (route !== undefined) return route;
  return method.startsWith(NOTIFICATION_PREFIX) ? CLIENT_NOTIFICATION : GATEWAY;
}

const SERVER_TO_CLIENT_REQUESTS: ReadonlySet<string> = new Set<string>([
  McpMethod.ElicitationCreate,
  McpMethod.SamplingCreateMessage,
  McpMethod.RootsList,
  McpMethod.Ping,
]);

/**
 * True for the requests an upstream may send to the client (session era), whose ids the
 * gateway must remap on the way out and back.
 */
export function isServerToClientRequestMethod(method: string): boolean {
  return SERVER_TO_CLIENT_REQUESTS.has(method);
}
