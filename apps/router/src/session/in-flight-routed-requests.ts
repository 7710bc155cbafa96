// Which client requests of each gateway session are running on which upstream right now,
// so a `notifications/cancelled` for one of them reaches the upstream that is doing the
// work (CORE.md step 7; MCP 2025-11-25 "Cancellation"). In memory and per replica: the
// cancel notification arrives on the same replica only when the client reuses the
// connection, otherwise it goes to the broker, which answers 202 (cancellation is
// best effort by specification).

import type { JsonRpcId } from '@mcp-gateway/jsonrpc';

export interface InFlightTarget {
  readonly serverName: string;
  readonly upstreamSessionId: string;
  readonly protocolVersion: string | undefined;
}

/** Number ids and string ids are different ids (JSON-RPC 2.0 §4). */
function keyOf(id: JsonRpcId): string | number {
  return typeof id === 'number' ? id : `s:${id}`;
}

export class InFlightRoutedRequests {
  private readonly bySession = new Map<string, Map<string | number, InFlightTarget>>();

  add(gatewaySessionId: string, requestId: JsonRpcId, target: InFlightTarget): void {
    let requests = this.bySession.get(gatewaySessionId);
    if (!requests) {
      requests = new Map();
      this.bySession.set(gatewaySessionId, requests);
    }
    requests.set(keyOf(requestId), target);
  }

  remove(gatewaySessionId: string, requestId: JsonRpcId): void {
    const requests = this.bySession.get(gatewaySessionId);
    if (!requests) return;
    requests.delete(keyOf(requestId));
    if (requests.size === 0) this.bySession.delete(gatewaySessionId);
  }

  find(gatewaySessionId: string, requestId: unknown): InFlightTarget | undefined {
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return undefined;
    return this.bySession.get(gatewaySessionId)?.get(keyOf(requestId));
  }

  forgetSession(gatewaySessionId: string): void {
    this.bySession.delete(gatewaySessionId);
  }
}
