// A client's `notifications/roots/list_changed` (MCP 2025-11-25 "Roots: Root List
// Changes"), passed on to every upstream session of the client that has asked for roots
// (RootsAskers) — only those: an upstream that never asked has nothing to refresh. Each
// gets the client's notification bytes unchanged, on its own upstream session, with its
// credentials. Best effort, in the background: a notification has no answer to wait for.

import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger } from '@mcp-gateway/telemetry';
import { CallDeadline } from '../outbound/call-deadline';
import { sendOutboundRequest } from '../outbound/outbound-request';
import type { UpstreamEndpoint } from '../upstream/upstream-endpoints';
import type { RootsAskers } from './roots-askers';

export interface RootsListChangedFanOutOptions {
  readonly askers: RootsAskers;
  /** This router's endpoint for a server (undefined: no longer routed). */
  readonly endpointOf: (serverName: string) => UpstreamEndpoint | undefined;
  /** The protocol version an upstream session negotiated, when this process knows it. */
  readonly protocolVersionOf: (upstreamSessionId: string) => string | undefined;
  /** Bound on each notification POST. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export class RootsListChangedFanOut {
  constructor(private readonly options: RootsListChangedFanOutOptions) {}

  /** Sends `body` to each asking upstream session; resolves with how many accepted it.
   * Never rejects. `clientHeaders`: the client's MCP-Protocol-Version and trace context. */
  async send(gatewaySessionId: string, body: Buffer, clientHeaders: OutgoingHttpHeaders): Promise<number> {
    const askers = await this.options.askers.list(gatewaySessionId);
    const sent = await Promise.all(askers.map(({ serverName, upstreamSessionId }) => this.sendTo(serverName, upstreamSessionId, body, clientHeaders)));
    return sent.filter(Boolean).length;
  }

  /** The gateway session ended: nobody is left to tell. Never rejects. */
  sessionEnded(gatewaySessionId: string): Promise<void> {
    return this.options.askers.dropSession(gatewaySessionId).catch(() => undefined);
  }

  private async sendTo(serverName: string, upstreamSessionId: string, body: Buffer, clientHeaders: OutgoingHttpHeaders): Promise<boolean> {
    const endpoint = this.options.endpointOf(serverName);
    if (!endpoint) return false;
    const headers: OutgoingHttpHeaders = {
      ...endpoint.headers,
      ...clientHeaders,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (upstreamSessionId !== '') headers['mcp-session-id'] = upstreamSessionId;
    const version = this.options.protocolVersionOf(upstreamSessionId);
    if (version !== undefined) headers['mcp-protocol-version'] = version;
    const deadline = new CallDeadline(this.options.timeoutMs);
    try {
      const response = await sendOutboundRequest(endpoint.url, endpoint.agent, { method: 'POST', headers, body, deadline });
      response.resume();
      return (response.statusCode ?? 500) < 300;
    } catch (error) {
      this.options.logger.debug({ err: error, server: serverName }, 'roots/list_changed not delivered to an upstream');
      return false;
    } finally {
      deadline.dispose();
    }
  }
}
