// Server-initiated requests inside routed calls (MCP 2025-11-25 "Transports": a server may
// send requests — elicitation/create, sampling/createMessage, roots/list, ping — on the SSE
// stream of the POST it is answering, or on its session's GET stream). Ids are per upstream
// session, so two upstreams (or the broker) may use the same id on one client: on the way
// out each such request gets a fresh gateway id (ServerRequestIdMapper, shared by every
// replica), and the client's answer, carrying that id, is sent back to the upstream session
// it came from with the upstream's own id restored. When the upstream gives up on one of
// its requests (`notifications/cancelled` naming its own id, MCP "Cancellation"), the
// client is told under the gateway id and the mapping goes, so a late answer is refused.
// Upstream sessions that ask for roots are recorded (RootsAskers) so the client's
// `notifications/roots/list_changed` can reach them. Never logs ids or payloads.

import { isNotification, isRequest, isServerToClientRequestMethod, McpMethod, parseJsonRpc, serializeJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcNotification, JsonRpcResponse } from '@mcp-gateway/jsonrpc';
import type { ServerRequestIdMapper, ServerRequestOrigin } from '@mcp-gateway/id-mapper';
import { isGatewayRequestId } from '@mcp-gateway/id-mapper';
import type { RootsAskers } from '../server-requests/roots-askers';
import { storeFailure } from '../session/session-gate';

/** The routed call a server-initiated request arrived on (requestId null: on no call). */
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

export interface ServerRequestRemapperOptions {
  /** Told of every upstream session that asks for roots. */
  readonly rootsAskers?: RootsAskers;
  /** Most pending requests remembered in this process for the upstream's cancellations
   * (oldest forgotten first). Default 50,000. */
  readonly maxRemembered?: number;
  readonly clock?: () => number;
}

interface RememberedRequest {
  readonly gatewayRequestId: string;
  readonly expiresAtMs: number;
}

export class ServerRequestRemapper {
  /** (session, server, upstream session, upstream id) → gateway id, for the requests this
   * process mapped: what an upstream's notifications/cancelled must be translated with. */
  private readonly remembered = new Map<string, RememberedRequest>();
  private readonly maxRemembered: number;
  private readonly clock: () => number;

  constructor(
    private readonly mapper: ServerRequestIdMapper,
    /** How long a server-initiated request may wait for the client's answer. */
    private readonly ttlMs: number,
    private readonly options: ServerRequestRemapperOptions = {},
  ) {
    this.maxRemembered = options.maxRemembered ?? 50_000;
    this.clock = options.clock ?? Date.now;
  }

  /** Cheap byte test: can this SSE data hold a request (a method and an id), or an
   * upstream's cancellation of one? */
  static mayHoldRequest(data: string | Buffer): boolean {
    return data.indexOf('"method"') !== -1 && (data.indexOf('"id"') !== -1 || data.indexOf('notifications/cancelled') !== -1);
  }

  /** The event data with a gateway id, when `data` is a server-to-client request (or the
   * upstream's cancellation of one it sent); undefined when it is anything else (passed on
   * unchanged). */
  async outbound(call: RoutedCallIdentity, data: string): Promise<string | undefined> {
    const parsed = parseJsonRpc(data);
    if (!parsed.ok || parsed.kind !== 'single') return undefined;
    const message = parsed.message;
    if (isNotification(message)) return message.method === McpMethod.NotificationsCancelled ? this.cancelled(call, message) : undefined;
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
    this.remember(rememberedKey(call.gatewaySessionId, call.serverName, call.upstreamSessionId, message.id), gatewayId);
    if (message.method === McpMethod.RootsList && this.options.rootsAskers) {
      // Not awaited: the question must not wait for bookkeeping (record() never rejects).
      void this.options.rootsAskers.record(call.gatewaySessionId, { serverName: call.serverName, upstreamSessionId: call.upstreamSessionId });
    }
    return serializeJsonRpc({ ...message, id: gatewayId });
  }

  /** Where a client's answer goes: the upstream that asked, or undefined (unknown, expired,
   * already answered, or another session's id). */
  async inbound(gatewaySessionId: string, answer: JsonRpcResponse): Promise<ClientAnswerRoute | undefined> {
    if (answer.id === null || !isGatewayRequestId(answer.id)) return undefined;
    let origin: ServerRequestOrigin | undefined;
    try {
      origin = await this.mapper.take(gatewaySessionId, answer.id);
    } catch (error) {
      throw storeFailure(error);
    }
    if (!origin) return undefined;
    this.remembered.delete(rememberedKey(gatewaySessionId, origin.serverName, origin.upstreamSessionId ?? '', origin.upstreamRequestId));
    return { origin, body: serializeJsonRpc({ ...answer, id: origin.upstreamRequestId }) };
  }

  /** The call ended: its unanswered requests can no longer be answered. */
  async callFinished(call: RoutedCallIdentity): Promise<void> {
    if (call.requestId !== null) await this.mapper.dropForRequest(call.gatewaySessionId, call.requestId);
  }

  /** The client cancelled its request `requestId`: what the upstream asked during it can no
   * longer be answered (whichever replica runs the call). */
  async clientCancelled(gatewaySessionId: string, requestId: JsonRpcId): Promise<void> {
    await this.mapper.dropForRequest(gatewaySessionId, requestId);
  }

  async sessionEnded(gatewaySessionId: string): Promise<void> {
    await this.mapper.dropSession(gatewaySessionId);
  }

  /** The upstream cancels a request it sent: the client hears of it under the gateway id,
   * and the mapping goes. An id this process did not map passes unchanged. */
  private async cancelled(call: RoutedCallIdentity, message: JsonRpcNotification): Promise<string | undefined> {
    const params = message.params;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
    const requestId = (params as Record<string, unknown>)['requestId'];
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return undefined;
    const key = rememberedKey(call.gatewaySessionId, call.serverName, call.upstreamSessionId, requestId);
    const remembered = this.remembered.get(key);
    if (!remembered) return undefined;
    this.remembered.delete(key);
    try {
      await this.mapper.take(call.gatewaySessionId, remembered.gatewayRequestId);
    } catch (error) {
      throw storeFailure(error);
    }
    return serializeJsonRpc({ ...message, params: { ...params, requestId: remembered.gatewayRequestId } });
  }

  private remember(key: string, gatewayRequestId: string): void {
    const now = this.clock();
    if (this.remembered.size >= this.maxRemembered) {
      // Oldest first (insertion order): expired ones, else the oldest live one.
      for (const [oldKey, entry] of this.remembered) {
        if (entry.expiresAtMs > now && this.remembered.size < this.maxRemembered) break;
        this.remembered.delete(oldKey);
      }
    }
    this.remembered.set(key, { gatewayRequestId, expiresAtMs: now + this.ttlMs });
  }
}

/** Number ids and string ids are different ids (JSON-RPC 2.0 §4). */
function rememberedKey(gatewaySessionId: string, serverName: string, upstreamSessionId: string, upstreamRequestId: JsonRpcId): string {
  const id = typeof upstreamRequestId === 'number' ? `n:${upstreamRequestId}` : `s:${upstreamRequestId}`;
  return `${gatewaySessionId}\u0000${serverName}\u0000${upstreamSessionId}\u0000${id}`;
}
