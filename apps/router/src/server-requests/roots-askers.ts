// Which upstream sessions of a gateway session have asked the client for its roots
// (`roots/list`), so that the client's `notifications/roots/list_changed` reaches exactly
// them (MCP 2025-11-25 "Roots: Root List Changes": a client that declared
// roots.listChanged tells the server, which may then ask again). Recorded by whichever
// replica passed the request on, read by whichever replica receives the notification: in
// memory for a single router, in Redis for many. At most one upstream session per server
// (the newest): a renewed upstream session replaces the one it renews.

export interface RootsAsker {
  readonly serverName: string;
  readonly upstreamSessionId: string;
}

export interface RootsAskers {
  /** Records that `serverName`'s upstream session asked for roots; lives as long as an
   * idle gateway session (each record slides it). Best effort: never rejects. */
  record(gatewaySessionId: string, asker: RootsAsker): Promise<void>;
  /** The upstream sessions that asked (empty when none, or when the store cannot answer). */
  list(gatewaySessionId: string): Promise<RootsAsker[]>;
  dropSession(gatewaySessionId: string): Promise<void>;
  close(): Promise<void>;
}

/** The single-process RootsAskers. Expiry is checked on read, and the map is bounded. */
export class InMemoryRootsAskers implements RootsAskers {
  private readonly sessions = new Map<string, { readonly servers: Map<string, string>; expiresAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
    private readonly maxSessions = 100_000,
  ) {}

  async record(gatewaySessionId: string, asker: RootsAsker): Promise<void> {
    let session = this.sessions.get(gatewaySessionId);
    if (!session) {
      if (this.sessions.size >= this.maxSessions) {
        const oldest = this.sessions.keys().next();
        if (!oldest.done) this.sessions.delete(oldest.value);
      }
      session = { servers: new Map(), expiresAtMs: 0 };
      this.sessions.set(gatewaySessionId, session);
    }
    session.servers.set(asker.serverName, asker.upstreamSessionId);
    session.expiresAtMs = this.clock() + this.ttlMs;
  }

  async list(gatewaySessionId: string): Promise<RootsAsker[]> {
    const session = this.sessions.get(gatewaySessionId);
    if (!session) return [];
    if (session.expiresAtMs <= this.clock()) {
      this.sessions.delete(gatewaySessionId);
      return [];
    }
    return [...session.servers].map(([serverName, upstreamSessionId]) => ({ serverName, upstreamSessionId }));
  }

  async dropSession(gatewaySessionId: string): Promise<void> {
    this.sessions.delete(gatewaySessionId);
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }
}
