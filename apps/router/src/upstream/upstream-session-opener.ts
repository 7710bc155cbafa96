// Opens and closes the gateway's session on one upstream MCP server on behalf of one client
// (MCP 2025-11-25 "Lifecycle" + "Transports: Session Management"): POST `initialize` with
// the client's own protocol version, capabilities and clientInfo, read the upstream's
// `Mcp-Session-Id`, then POST `notifications/initialized`. Runs only on the first routed
// call of a session to a server (exactly once, see `resolveUpstreamSession`), never on the
// hot path proper. A server that issues no session id is stateless: its id is "".

import type http from 'node:http';
import { GatewayError, isErrorResponse } from '@mcp-gateway/jsonrpc';
import type { GatewaySessionRecord } from '@mcp-gateway/session-store';
import { CallDeadline } from '../outbound/call-deadline';
import { findJsonRpcAnswer } from '../outbound/json-rpc-answer';
import { readSmallBody, sendOutboundRequest } from '../outbound/outbound-request';
import { relayableClientCapabilities } from '../server-requests/relayable-client-capabilities';
import type { UpstreamEndpoint } from './upstream-endpoints';
import { upstreamFailure } from './upstream-failure';

export interface OpenedUpstreamSession {
  /** The upstream's Mcp-Session-Id ("" for a stateless server). */
  readonly sessionId: string;
  /** The version the upstream chose; sent as MCP-Protocol-Version on later requests. */
  readonly protocolVersion: string;
}

export interface UpstreamSessionOpenerOptions {
  /** Bound on the whole initialize + initialized exchange. */
  readonly connectTimeoutMs: number;
}

const INITIALIZE_REQUEST_ID = 'mcp-gateway-initialize';

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export class UpstreamSessionOpener {
  constructor(private readonly options: UpstreamSessionOpenerOptions) {}

  async open(endpoint: UpstreamEndpoint, client: GatewaySessionRecord, traceHeaders: http.OutgoingHttpHeaders = {}): Promise<OpenedUpstreamSession> {
    const deadline = new CallDeadline(this.options.connectTimeoutMs);
    try {
      const initialize = JSON.stringify({
        jsonrpc: '2.0',
        id: INITIALIZE_REQUEST_ID,
        method: 'initialize',
        params: {
          protocolVersion: client.protocolVersion,
          // Only what the client declared and the gateway can relay (server-requests/).
          capabilities: relayableClientCapabilities(client.clientCapabilities),
          clientInfo: client.clientInfo,
        },
      });
      const response = await sendOutboundRequest(endpoint.url, endpoint.agent, {
        method: 'POST',
        headers: {
          ...endpoint.headers,
          ...traceHeaders,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: initialize,
        deadline,
      });
      const body = await readSmallBody(response);
      if (response.statusCode !== 200) {
        throw this.refused(endpoint, `initialize answered HTTP ${response.statusCode}`);
      }
      const answer = findJsonRpcAnswer(body, firstHeader(response.headers['content-type']) ?? '', INITIALIZE_REQUEST_ID);
      if (!answer) throw this.refused(endpoint, 'initialize got no JSON-RPC answer');
      if (isErrorResponse(answer)) throw this.refused(endpoint, `initialize failed: ${answer.error.message}`);
      const protocolVersion = (answer as { result: { protocolVersion?: unknown } }).result.protocolVersion;
      if (typeof protocolVersion !== 'string') throw this.refused(endpoint, 'initialize result has no protocolVersion');
      const sessionId = firstHeader(response.headers['mcp-session-id']) ?? '';

      const initialized = await sendOutboundRequest(endpoint.url, endpoint.agent, {
        method: 'POST',
        headers: {
          ...endpoint.headers,
          ...traceHeaders,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': protocolVersion,
          ...(sessionId === '' ? {} : { 'mcp-session-id': sessionId }),
        },
        body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
        deadline,
      });
      initialized.resume();
      const status = initialized.statusCode ?? 0;
      if (status < 200 || status >= 300) throw this.refused(endpoint, `notifications/initialized answered HTTP ${status}`);
      return { sessionId, protocolVersion };
    } catch (error) {
      throw upstreamFailure(endpoint.serverName, error, deadline);
    } finally {
      deadline.dispose();
    }
  }

  /** Ends an upstream session (MCP "Session Management": DELETE with the session id).
   * Best effort: an upstream that is gone has nothing left to close. */
  async close(endpoint: UpstreamEndpoint, upstreamSessionId: string, protocolVersion: string | undefined): Promise<boolean> {
    if (upstreamSessionId === '') return true;
    const deadline = new CallDeadline(this.options.connectTimeoutMs);
    try {
      const response = await sendOutboundRequest(endpoint.url, endpoint.agent, {
        method: 'DELETE',
        headers: {
          ...endpoint.headers,
          'mcp-session-id': upstreamSessionId,
          ...(protocolVersion ? { 'mcp-protocol-version': protocolVersion } : {}),
        },
        deadline,
      });
      response.resume();
      return (response.statusCode ?? 0) < 300;
    } catch {
      return false;
    } finally {
      deadline.dispose();
    }
  }

  private refused(endpoint: UpstreamEndpoint, why: string): GatewayError {
    return new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${endpoint.serverName}" is unavailable: ${why}`, {
      server: endpoint.serverName,
    });
  }
}
