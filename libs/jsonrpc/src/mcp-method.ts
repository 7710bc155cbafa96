// The MCP method names the gateway deals with, across both protocol eras:
// session era (2025-03-26 … 2025-11-25) and stateless era (2026-07-28, which adds
// server/discover and subscriptions/listen and drops initialize, ping, logging/setLevel,
// resources/subscribe|unsubscribe and notifications/roots/list_changed).
export const McpMethod = {
  // client → server requests
  Initialize: 'initialize',
  Ping: 'ping',
  ServerDiscover: 'server/discover',
  SubscriptionsListen: 'subscriptions/listen',
  ToolsList: 'tools/list',
  ToolsCall: 'tools/call',
  PromptsList: 'prompts/list',
  PromptsGet: 'prompts/get',
  ResourcesList: 'resources/list',
  ResourcesTemplatesList: 'resources/templates/list',
  ResourcesRead: 'resources/read',
  ResourcesSubscribe: 'resources/subscribe',
  ResourcesUnsubscribe: 'resources/unsubscribe',
  CompletionComplete: 'completion/complete',
  LoggingSetLevel: 'logging/setLevel',
  TasksGet: 'tasks/get',
  TasksResult: 'tasks/result',
  TasksList: 'tasks/list',
  TasksCancel: 'tasks/cancel',
  // server → client requests (session era; the stateless era returns input-required results instead)
  ElicitationCreate: 'elicitation/create',
  SamplingCreateMessage: 'sampling/createMessage',
  RootsList: 'roots/list',
  // notifications
  NotificationsInitialized: 'notifications/initialized',
  NotificationsCancelled: 'notifications/cancelled',
  NotificationsProgress: 'notifications/progress',
  NotificationsRootsListChanged: 'notifications/roots/list_changed',
  NotificationsMessage: 'notifications/message',
  NotificationsToolsListChanged: 'notifications/tools/list_changed',
  NotificationsPromptsListChanged: 'notifications/prompts/list_changed',
  NotificationsResourcesListChanged: 'notifications/resources/list_changed',
  NotificationsResourcesUpdated: 'notifications/resources/updated',
  NotificationsElicitationComplete: 'notifications/elicitation/complete',
  NotificationsSubscriptionsAcknowledged: 'notifications/subscriptions/acknowledged',
  NotificationsTasksStatus: 'notifications/tasks/status',
} as const;

export type McpMethodName = (typeof McpMethod)[keyof typeof McpMethod];
