// The single-process ServerRequestIdMapper (embedded default, and the Redis mapper's twin in
// the contract suite). Entries are grouped per gateway session, with an index per related
// client request; expiry is checked on every read and one coarse, unref'd timer sweeps the
// rest — never a timer per entry.

import type { JsonRpcId } from '@mcp-gateway/jsonrpc';
import { SessionStoreUnavailableError } from '@mcp-gateway/session-store';
import { checkedTtlMs, isGatewayRequestId, newGatewayRequestId, relatedRequestKey } from './gateway-request-id';
import type { ServerRequestIdMapper, ServerRequestOrigin } from './server-request-id-mapper';

export interface InMemoryServerRequestIdMapperOptions {
  readonly clock?: () => number;
  /** How often expired mappings are swept from memory (default 30000 ms). */
  readonly sweepIntervalMs?: number;
}

interface PendingRequest {
  readonly origin: ServerRequestOrigin;
  readonly expiresAtMs: number;
  readonly relatedKey: string | undefined;
}

interface SessionRequests {
  readonly byId: Map<string, PendingRequest>;
  readonly byRelated: Map<string, Set<string>>;
}

export class InMemoryServerRequestIdMapper implements ServerRequestIdMapper {
  private readonly sessions = new Map<string, SessionRequests>();
  private readonly clock: () => number;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(options: InMemoryServerRequestIdMapperOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.sweepTimer.unref();
  }

  /** Mappings held in memory, expired ones not yet swept included. */
  get size(): number {
    let size = 0;
    for (const session of this.sessions.values()) size += session.byId.size;
    return size;
  }

  async map(gatewaySessionId: string, origin: ServerRequestOrigin, ttlMs: number): Promise<string> {
    this.assertOpen();
    const ttl = checkedTtlMs(ttlMs);
    let session = this.sessions.get(gatewaySessionId);
    if (!session) {
      session = { byId: new Map(), byRelated: new Map() };
      this.sessions.set(gatewaySessionId, session);
    }
    const id = newGatewayRequestId();
    const relatedKey = origin.relatedGatewayRequestId === undefined ? undefined : relatedRequestKey(origin.relatedGatewayRequestId);
    session.byId.set(id, { origin: copyOf(origin), expiresAtMs: this.clock() + ttl, relatedKey });
    if (relatedKey !== undefined) {
      let ids = session.byRelated.get(relatedKey);
      if (!ids) session.byRelated.set(relatedKey, (ids = new Set()));
      ids.add(id);
    }
    return id;
  }

  async take(gatewaySessionId: string, gatewayRequestId: JsonRpcId): Promise<ServerRequestOrigin | undefined> {
    this.assertOpen();
    const session = this.sessions.get(gatewaySessionId);
    const pending = this.live(session, gatewayRequestId);
    if (!session || !pending) return undefined;
    this.remove(gatewaySessionId, session, gatewayRequestId as string, pending);
    return pending.origin;
  }

  async peek(gatewaySessionId: string, gatewayRequestId: JsonRpcId): Promise<ServerRequestOrigin | undefined> {
    this.assertOpen();
    return this.live(this.sessions.get(gatewaySessionId), gatewayRequestId)?.origin;
  }

  async dropForRequest(gatewaySessionId: string, relatedGatewayRequestId: JsonRpcId): Promise<void> {
    this.assertOpen();
    const session = this.sessions.get(gatewaySessionId);
    const ids = session?.byRelated.get(relatedRequestKey(relatedGatewayRequestId));
    if (!session || !ids) return;
    for (const id of [...ids]) {
      const pending = session.byId.get(id);
      if (pending) this.remove(gatewaySessionId, session, id, pending);
    }
  }

  async dropSession(gatewaySessionId: string): Promise<void> {
    this.assertOpen();
    this.sessions.delete(gatewaySessionId);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.sessions.clear();
  }

  private live(session: SessionRequests | undefined, gatewayRequestId: JsonRpcId): PendingRequest | undefined {
    if (!session || !isGatewayRequestId(gatewayRequestId)) return undefined;
    const pending = session.byId.get(gatewayRequestId);
    if (!pending || pending.expiresAtMs <= this.clock()) return undefined;
    return pending;
  }

  private remove(gatewaySessionId: string, session: SessionRequests, id: string, pending: PendingRequest): void {
    session.byId.delete(id);
    if (pending.relatedKey !== undefined) {
      const ids = session.byRelated.get(pending.relatedKey);
      ids?.delete(id);
      if (ids?.size === 0) session.byRelated.delete(pending.relatedKey);
    }
    if (session.byId.size === 0) this.sessions.delete(gatewaySessionId);
  }

  private sweep(): void {
    const now = this.clock();
    for (const [gatewaySessionId, session] of this.sessions) {
      for (const [id, pending] of session.byId) if (pending.expiresAtMs <= now) this.remove(gatewaySessionId, session, id, pending);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new SessionStoreUnavailableError('server request id mapper unavailable: it is closed');
  }
}

function copyOf(origin: ServerRequestOrigin): ServerRequestOrigin {
  const copy: { -readonly [K in keyof ServerRequestOrigin]: ServerRequestOrigin[K] } = {
    serverName: origin.serverName,
    upstreamSessionId: origin.upstreamSessionId,
    upstreamRequestId: origin.upstreamRequestId,
  };
  if (origin.relatedGatewayRequestId !== undefined) copy.relatedGatewayRequestId = origin.relatedGatewayRequestId;
  return Object.freeze(copy);
}
