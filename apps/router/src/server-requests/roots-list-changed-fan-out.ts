// A client's `notifications/roots/list_changed` (MCP 2025-11-25 "Roots: Root List
// Changes"), passed on to every upstream session of the client that has asked for roots
// (RootsAskers) — only those: an upstream that never asked has nothing to refresh. Each
// gets the client's notification bytes unchanged, on its own upstream session, with its
// credentials. Best effort, in the background: a notification has no answer to wait for.

import type { OutgoingHttpHeaders } from 'node:http';
import { postUpstreamNotification, type UpstreamNotificationTargets } from '../upstream/upstream-notification-post';
import type { RootsAskers } from './roots-askers';

export interface RootsListChangedFanOutOptions extends UpstreamNotificationTargets {
  readonly askers: RootsAskers;
}

export class RootsListChangedFanOut {
  constructor(private readonly options: RootsListChangedFanOutOptions) {}

  /** Sends `body` to each asking upstream session; resolves with how many accepted it.
   * Never rejects. `clientHeaders`: the client's MCP-Protocol-Version and trace context. */
  async send(gatewaySessionId: string, body: Buffer, clientHeaders: OutgoingHttpHeaders): Promise<number> {
    const askers = await this.options.askers.list(gatewaySessionId);
    const sent = await Promise.all(askers.map(({ serverName, upstreamSessionId }) => postUpstreamNotification(this.options, { serverName, upstreamSessionId }, body, clientHeaders, 'roots/list_changed')));
    return sent.filter(Boolean).length;
  }

  /** The gateway session ended: nobody is left to tell. Never rejects. */
  sessionEnded(gatewaySessionId: string): Promise<void> {
    return this.options.askers.dropSession(gatewaySessionId).catch(() => undefined);
  }
}
