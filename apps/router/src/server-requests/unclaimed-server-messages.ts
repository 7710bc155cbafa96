// What an upstream sends on its session's GET stream while no call of that upstream session
// runs in this process (UpstreamEventStreams hands it here instead of dropping it): a
// roots/list the upstream sends right after the session opened, an elicitation while the
// call that caused it runs on another replica, a notifications/elicitation/complete that
// arrives after the call's answer. Such a message has no answer stream to ride on, so it
// goes to the client's own GET stream (ClientStreamChannel, any replica) — requests under a
// fresh gateway id (ServerRequestRemapper, related to no call: they go when answered,
// cancelled by the upstream, when the session ends, or after timeouts.upstreamRequestMs).
//
// Left out: `notifications/*/list_changed` (the broker follows every upstream's lists
// itself and tells clients about the gateway's catalog) and anything that is neither a
// server-to-client request nor a notification. Messages of one upstream session keep
// their order.

import { isNotification, isRequest, isServerToClientRequestMethod, McpMethod, parseJsonRpc } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import type { ServerRequestRemapper } from '../upstream/server-request-remapper';
import type { ClientStreamChannel } from './client-stream-channel';

export interface UnclaimedServerMessage {
  readonly gatewaySessionId: string;
  readonly serverName: string;
  readonly upstreamSessionId: string;
  /** One SSE event's data, as the upstream sent it. */
  readonly data: string;
}

const CATALOG_NOTIFICATIONS: ReadonlySet<string> = new Set([
  McpMethod.NotificationsToolsListChanged,
  McpMethod.NotificationsPromptsListChanged,
  McpMethod.NotificationsResourcesListChanged,
]);

export class UnclaimedServerMessages {
  /** Per upstream session, the tail of its queue: one message after the other. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly remapper: ServerRequestRemapper,
    private readonly channel: ClientStreamChannel,
    private readonly logger: Logger,
  ) {}

  /** Takes one message (returns at once; delivery happens in order, in the background). */
  readonly accept = (message: UnclaimedServerMessage): void => {
    const key = message.upstreamSessionId;
    const next = (this.queues.get(key) ?? Promise.resolve())
      .then(() => this.deliver(message))
      .catch((error: unknown) => this.logger.warn({ err: error, server: message.serverName }, 'a message from an upstream could not be passed to the client'))
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      });
    this.queues.set(key, next);
  };

  /** Resolves once everything accepted so far has been delivered. */
  async settled(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  private async deliver(message: UnclaimedServerMessage): Promise<void> {
    const parsed = parseJsonRpc(message.data);
    if (!parsed.ok || parsed.kind !== 'single') return;
    const json = parsed.message;
    if (isRequest(json) ? !isServerToClientRequestMethod(json.method) : !isNotification(json) || CATALOG_NOTIFICATIONS.has(json.method)) return;
    const call = { gatewaySessionId: message.gatewaySessionId, serverName: message.serverName, upstreamSessionId: message.upstreamSessionId, requestId: null };
    const remapped = await this.remapper.outbound(call, message.data);
    await this.channel.deliver(message.gatewaySessionId, remapped ?? message.data);
  }
}
