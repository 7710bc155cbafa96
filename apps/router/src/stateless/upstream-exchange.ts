// The small HTTP exchanges the era bridges have with upstreams besides the call itself:
// headers for a request on a session-era upstream session, telling a lost session apart
// (404, or a 400 that says so), and answering a request the upstream sent on a call's
// stream (a JSON-RPC response POSTed on the same upstream session, answered 202).
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { serializeJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcResponse } from '@mcp-gateway/jsonrpc';
import { CallDeadline } from '../outbound/call-deadline';
import { readSmallBody, sendOutboundRequest } from '../outbound/outbound-request';
import type { UpstreamEndpoint } from '../upstream/upstream-endpoints';
import { upstreamFailure } from '../upstream/upstream-failure';

export interface UpstreamSessionRef {
  readonly sessionId: string;
  readonly protocolVersion: string;
}

export function sessionRequestHeaders(endpoint: UpstreamEndpoint, session: UpstreamSessionRef, traceHeaders: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  return {
    ...endpoint.headers,
    ...traceHeaders,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': session.protocolVersion,
    ...(session.sessionId === '' ? {} : { 'mcp-session-id': session.sessionId }),
  };
}

/** "No such session": 404, or a 400 whose body says the session is unknown (some servers). */
export async function lostSession(response: IncomingMessage): Promise<boolean> {
  if (response.statusCode === 404) {
    response.resume();
    return true;
  }
  if (response.statusCode === 400) {
    const body = await readSmallBody(response, 64 * 1024);
    return /session/i.test(body.toString('utf8'));
  }
  return false;
}

/** POSTs the client's answer to a request the upstream sent; throws the GatewayError to report. */
export async function answerUpstreamRequest(
  serverName: string,
  endpoint: UpstreamEndpoint,
  session: UpstreamSessionRef,
  answer: JsonRpcResponse,
  timeoutMs: number,
): Promise<void> {
  const deadline = new CallDeadline(timeoutMs);
  try {
    const response = await sendOutboundRequest(endpoint.url, endpoint.agent, {
      method: 'POST',
      headers: sessionRequestHeaders(endpoint, session),
      body: serializeJsonRpc(answer),
      deadline,
    });
    const status = response.statusCode ?? 0;
    response.resume();
    if (status < 200 || status >= 300) throw new Error(`the answer to the upstream's request got HTTP ${status}`);
  } catch (error) {
    throw upstreamFailure(serverName, error, deadline);
  } finally {
    deadline.dispose();
  }
}

/**
 * Opens the GET stream of an upstream session (MCP 2025-11-25 "Listening for Messages from
 * the Server"); undefined when the upstream offers none (405) or answers otherwise.
 */
export async function openSessionStream(endpoint: UpstreamEndpoint, session: UpstreamSessionRef, deadline: CallDeadline): Promise<IncomingMessage | undefined> {
  const response = await sendOutboundRequest(endpoint.url, endpoint.agent, {
    method: 'GET',
    headers: {
      ...endpoint.headers,
      accept: 'text/event-stream',
      'mcp-protocol-version': session.protocolVersion,
      ...(session.sessionId === '' ? {} : { 'mcp-session-id': session.sessionId }),
    },
    deadline,
  });
  if (response.statusCode === 200 && String(response.headers['content-type'] ?? '').includes('text/event-stream')) return response;
  response.resume();
  return undefined;
}
