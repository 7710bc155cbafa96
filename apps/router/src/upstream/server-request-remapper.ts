// Server-initiated requests inside routed calls (MCP 2025-11-25 "Transports": a server may
// send requests — elicitation/create, sampling/createMessage, roots/list, ping — on the SSE
// stream of the POST it is answering). Ids are per upstream session, so two upstreams (or
// the broker) may use the same id on one client: on the way out each such request gets a
// fresh gateway id (ServerRequestIdMapper, shared by every replica), and the client's
// answer, carrying that id, is sent back to the upstream session it came from with the
// upstream's own id restored. Never logs ids or payloads.

import { isRequest, isServerToClientRequestMethod, parseJsonRpc, serializeJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcResponse } from '@mcp-gateway/jsonrpc';
import type { ServerRequestIdMapper, ServerRequestOrigin } from '@mcp-gateway/id-mapper';
import { isGatewayRequestId } from '@mcp-gateway/id-mapper';
import { storeFailure } from '../session/session-gate';

/** The routed call a server-initiated request arrived on. */
export interface RoutedCallIdentity {
  readonly gatewaySessionId: string;
  readonly serverName: string;
  readonly upstreamSessionId: string;
  readonly requestId: JsonRpcId | null;
}

export interface ClientAnswerRoute {
  readonly origin: ServerRequestOrigin;
  /** The client's answer with the upstream's own request id. */
  readonly body: string;
}

export class ServerRequestRemapper {
  constructor(
    private readonly mapper: ServerRequestIdMapper,
    /** How long a server-initiated request may wait for the client's answer. */
    private readonly ttlMs: number,
  ) {}

  /** Cheap byte test: can this SSE data hold a request (a method and an id)? */
  static mayHoldRequest(data: string | Buffer): boolean {
    return data.indexOf('"method"') !== -1 && data.indexOf('"id"') !== -1;
  }

  /** The event data with a gateway id, when `data` is a server-to-client request;
   * undefined when it is anything else (passed on unchanged). */
  async outbound(call: RoutedCallIdentity, data: string): Promise<string | undefined> {
    const parsed = parseJsonRpc(data);
    if (!parsed.ok || parsed.kind !== 'single') return undefined;
    const message = parsed.message;
    if (!isRequest(message) || !isServerToClientRequestMethod(message.method)) return undefined;
    let gatewayId: string;
    try {
      gatewayId = await this.mapper.map(
        call.gatewaySessionId,
        {
          serverName: call.serverName,
          upstreamSessionId: call.upstreamSessionId === '' ? undefined : call.upstreamSessionId,
          upstreamRequestId: message.id,
          ...(call.requestId === null ? {} : { relatedGatewayRequestId: call.requestId }),
        },
        this.ttlMs,
      );
    } catch (error) {
      throw storeFailure(error);
    }
    return serializeJsonRpc({ ...message, id: gatewayId });
  }

  /** Where a client's answer goes: the upstream that asked, or undefined (the broker's). */
  async inbound(gatewaySessionId: string, answer: JsonRpcResponse): Promise<ClientAnswerRoute | undefined> {
    if (answer.id === null || !isGatewayRequestId(answer.id)) return undefined;
    let origin: ServerRequestOrigin | undefined;
    try {
      origin = await this.mapper.take(gatewaySessionId, answer.id);
    } catch (error) {
      throw storeFailure(error);
    }
    if (!origin) return undefined;
    return { origin, body: serializeJsonRpc({ ...answer, id: origin.upstreamRequestId }) };
  }

  /** The call ended: its unanswered requests can no longer be answered. */
  async callFinished(call: RoutedCallIdentity): Promise<void> {
    if (call.requestId !== null) await this.mapper.dropForRequest(call.gatewaySessionId, call.requestId);
  }

  async sessionEnded(gatewaySessionId: string): Promise<void> {
    await this.mapper.dropSession(gatewaySessionId);
  }
}
