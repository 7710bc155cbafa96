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
import type { Logger } from '@mcp-gateway/telemetry';
import { CallDeadline } from '../outbound/call-deadline';
import { sendOutboundRequest } from '../outbound/outbound-request';
import type { UpstreamEndpoint } from './upstream-endpoints';

export interface CancellationFanOutOptions {
  readonly store: SessionStore;
  /** This router's endpoint for a server (undefined: no longer routed). */
  readonly endpointOf: (serverName: string) => UpstreamEndpoint | undefined;
  /** The protocol version an upstream session negotiated, when this process knows it. */
  readonly protocolVersionOf: (upstreamSessionId: string) => string | undefined;
  /** Bound on each notification POST (the connect timeout: it is a tiny message). */
  readonly timeoutMs: number;
  readonly logger: Logger;
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
    const sent = await Promise.all([...sessions].map(([serverName, upstreamSessionId]) => this.sendTo(serverName, upstreamSessionId, body, clientHeaders)));
    return sent.filter(Boolean).length;
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
      // Best effort by specification: the upstream may be gone, the call may be over.
      this.options.logger.debug({ err: error, server: serverName }, 'cancellation not delivered to an upstream');
      return false;
    } finally {
      deadline.dispose();
    }
  }
}
