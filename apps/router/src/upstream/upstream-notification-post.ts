// Posts one client notification (its bytes unchanged) to one upstream session, best effort.
// Shared by the fan-outs that pass a client's notification to several upstream sessions
// (cancellation, roots/list_changed): a notification has no answer to wait for, so a
// failure is logged at debug level and reported as `false`, never thrown.

import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger } from '@mcp-gateway/telemetry';
import { CallDeadline } from '../outbound/call-deadline';
import { sendOutboundRequest } from '../outbound/outbound-request';
import type { UpstreamEndpoint } from './upstream-endpoints';

export interface UpstreamNotificationTargets {
  /** This router's endpoint for a server (undefined: no longer routed). */
  readonly endpointOf: (serverName: string) => UpstreamEndpoint | undefined;
  /** The protocol version an upstream session negotiated, when this process knows it. */
  readonly protocolVersionOf: (upstreamSessionId: string) => string | undefined;
  /** Bound on each notification POST. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** Resolves true when the upstream accepted the notification (2xx). Never rejects. */
export async function postUpstreamNotification(
  targets: UpstreamNotificationTargets,
  upstream: { readonly serverName: string; readonly upstreamSessionId: string },
  body: Buffer,
  clientHeaders: OutgoingHttpHeaders,
  what: string,
): Promise<boolean> {
  const endpoint = targets.endpointOf(upstream.serverName);
  if (!endpoint) return false;
  const headers: OutgoingHttpHeaders = {
    ...endpoint.headers,
    ...clientHeaders,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  if (upstream.upstreamSessionId !== '') headers['mcp-session-id'] = upstream.upstreamSessionId;
  const version = targets.protocolVersionOf(upstream.upstreamSessionId);
  if (version !== undefined) headers['mcp-protocol-version'] = version;
  const deadline = new CallDeadline(targets.timeoutMs);
  try {
    const response = await sendOutboundRequest(endpoint.url, endpoint.agent, { method: 'POST', headers, body, deadline });
    response.resume();
    return (response.statusCode ?? 500) < 300;
  } catch (error) {
    // Best effort by specification: the upstream may be gone, the call may be over.
    targets.logger.debug({ err: error, server: upstream.serverName }, `${what} not delivered to an upstream`);
    return false;
  } finally {
    deadline.dispose();
  }
}
