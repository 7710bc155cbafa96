// The router is the gatekeeper of gateway sessions (CORE.md "Who does what", step 3):
// a request other than `initialize` must carry an Mcp-Session-Id this gateway signed
// (checked without any I/O) and that the shared store still holds. The store check is
// folded into the one round trip each request needs anyway (touch, or the routed call's
// upstream lookup), so a routed call costs one store round trip. Never logs session ids.

import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '@mcp-gateway/jsonrpc';
import type { GatewaySessionIdCodec, GatewaySessionRecord, SessionStore, UpstreamSessionLookup } from '@mcp-gateway/session-store';
import { SessionStoreUnavailableError } from '@mcp-gateway/session-store';

export const SESSION_NOT_FOUND_MESSAGE = 'Session not found: initialize a new session';

export function sessionNotFound(): GatewayError {
  return new GatewayError('SESSION_NOT_FOUND', SESSION_NOT_FOUND_MESSAGE);
}

/** Store failures become STORE_UNAVAILABLE (503); everything else passes unchanged. */
export function storeFailure(error: unknown): unknown {
  if (error instanceof SessionStoreUnavailableError) {
    return new GatewayError('STORE_UNAVAILABLE', 'The session store is unavailable; retry shortly', { cause: error });
  }
  return error;
}

/** Most verified ids remembered (oldest forgotten first). */
const MAX_REMEMBERED_IDS = 50_000;

export class SessionGate {
  /** Ids whose signature verified → when they expire: an HMAC per session, not per request.
   * Only verified ids enter, so a forged id is always checked in full. */
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly codec: GatewaySessionIdCodec,
    private readonly store: SessionStore,
    private readonly idleTtlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The signed gateway session id of a request, or the error to answer (400 / 404). */
  signedSessionId(headers: IncomingHttpHeaders): string {
    const header = headers['mcp-session-id'];
    const id = Array.isArray(header) ? header[0] : header;
    if (id === undefined || id === '') {
      throw new GatewayError('SESSION_REQUIRED', 'Bad Request: Mcp-Session-Id header is required');
    }
    const expiresAtMs = this.verified.get(id);
    if (expiresAtMs !== undefined && expiresAtMs > this.clock()) return id;
    if (!this.codec.verify(id)) {
      this.verified.delete(id);
      throw sessionNotFound();
    }
    this.remember(id);
    return id;
  }

  private remember(id: string): void {
    const expiresAtMs = this.codec.expiresAtMs(id);
    if (expiresAtMs === undefined) return;
    if (this.verified.size >= MAX_REMEMBERED_IDS) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(id, expiresAtMs);
  }

  /** One round trip: the session still exists (its idle expiry slides). */
  async requireLive(gatewaySessionId: string): Promise<void> {
    let alive: boolean;
    try {
      alive = await this.store.touchSession(gatewaySessionId, this.idleTtlMs);
    } catch (error) {
      throw storeFailure(error);
    }
    if (!alive) throw sessionNotFound();
  }

  /** One round trip for a routed call: the session exists, and its upstream session on
   * `serverName` if one was opened. */
  async lookupUpstream(gatewaySessionId: string, serverName: string): Promise<string | undefined> {
    let found: UpstreamSessionLookup;
    try {
      found = await this.store.lookupUpstreamSession(gatewaySessionId, serverName, this.idleTtlMs);
    } catch (error) {
      throw storeFailure(error);
    }
    if (!found.sessionExists) throw sessionNotFound();
    return found.upstreamSessionId;
  }

  async record(gatewaySessionId: string, record: GatewaySessionRecord): Promise<void> {
    try {
      await this.store.createSession(gatewaySessionId, record, this.idleTtlMs);
    } catch (error) {
      throw storeFailure(error);
    }
  }

  async session(gatewaySessionId: string): Promise<GatewaySessionRecord> {
    let record: GatewaySessionRecord | undefined;
    try {
      record = await this.store.getSession(gatewaySessionId);
    } catch (error) {
      throw storeFailure(error);
    }
    if (!record) throw sessionNotFound();
    return record;
  }

  /** Ends the session; returns its upstream sessions (server → id) to close upstream. */
  async end(gatewaySessionId: string): Promise<ReadonlyMap<string, string>> {
    this.verified.delete(gatewaySessionId);
    try {
      return await this.store.deleteSession(gatewaySessionId);
    } catch (error) {
      throw storeFailure(error);
    }
  }
}
