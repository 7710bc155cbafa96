// A client's `notifications/cancelled` that reaches a router which is not running the
// request it names. Without session affinity this is the common case: the call went
// through one replica and its cancellation, the client's next request, through another
// (MCP 2025-11-25 "Cancellation": the sender cancels by request id, the receiver that knows
// the request stops it). This router cannot know which upstream runs the call, so it sends
// the notification to every upstream session the gateway session holds (one store round
// trip). That is safe: request ids are unique within a client session and each upstream
// session belongs to this client alone, so an upstream that never saw the id ignores it,
// as the specification lets receivers do with unknown ids.
//
// Chosen over recording every routed call in the store so any replica can look it up:
// that would cost two store writes on every routed call to serve the rare cancellation;
// this costs nothing until a cancellation actually arrives. Never logs session ids.

import type { OutgoingHttpHeaders } from 'node:http';
import type { SessionStore } from '@mcp-gateway/session-store';
import { postUpstreamNotification, type UpstreamNotificationTargets } from './upstream-notification-post';

export interface CancellationFanOutOptions extends UpstreamNotificationTargets {
  readonly store: SessionStore;
}

export class CancellationFanOut {
  constructor(private readonly options: CancellationFanOutOptions) {}

  /**
   * Sends `body` (the client's notification bytes, unchanged) to every upstream session of
   * the gateway session. Resolves when every POST answered or failed; never rejects.
   * `clientHeaders` carries the client's MCP-Protocol-Version and trace context.
   */
  async send(gatewaySessionId: string, body: Buffer, clientHeaders: OutgoingHttpHeaders): Promise<number> {
    let sessions: ReadonlyMap<string, string>;
    try {
      sessions = await this.options.store.listUpstreamSessions(gatewaySessionId);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'cancellation not passed on: the session store is unavailable');
      return 0;
    }
    const sent = await Promise.all([...sessions].map(([serverName, upstreamSessionId]) => postUpstreamNotification(this.options, { serverName, upstreamSessionId }, body, clientHeaders, 'cancellation')));
    return sent.filter(Boolean).length;
  }
}
