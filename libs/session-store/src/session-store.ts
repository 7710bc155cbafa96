// The state one gateway replica shares with every other: gateway sessions and, per gateway
// session, the upstream session id the gateway holds on each upstream server. Two
// implementations stand behind this interface (in-memory for a single process, Redis for
// many replicas) and one contract suite pins both. Implementations must never log session
// ids in full: they are bearer credentials.

/** What the broker records when a client initializes; read by routers when they open
 * upstream sessions on the client's behalf. */
export interface GatewaySessionRecord {
  /** Protocol version negotiated with the client. */
  readonly protocolVersion: string;
  /** Capabilities the client declared in `initialize` (forwarded to upstreams as-is). */
  readonly clientCapabilities: Record<string, unknown>;
  readonly clientInfo: { readonly name: string; readonly version: string } & Record<string, unknown>;
  readonly createdAtMs: number;
}

/** The answer to the router's hot-path question, in one round trip. */
export interface UpstreamSessionLookup {
  /** False when the gateway session is unknown, expired or deleted. */
  readonly sessionExists: boolean;
  /** The upstream session id on that server, when one was opened already. */
  readonly upstreamSessionId: string | undefined;
}

/** Every method rejects with SessionStoreUnavailableError when the backing store cannot
 * answer, and with RangeError for a TTL that is not a positive number of milliseconds. */
export interface SessionStore {
  /** Stores a new gateway session that lives `ttlMs` unless touched. */
  createSession(gatewaySessionId: string, record: GatewaySessionRecord, ttlMs: number): Promise<void>;
  getSession(gatewaySessionId: string): Promise<GatewaySessionRecord | undefined>;
  /** Slides the expiry; false when the session no longer exists. */
  touchSession(gatewaySessionId: string, ttlMs: number): Promise<boolean>;
  /** Removes the session and returns its upstream sessions (server name → upstream
   * session id) so the caller can close them upstream. Unknown id → empty map. */
  deleteSession(gatewaySessionId: string): Promise<ReadonlyMap<string, string>>;

  /** Hot path: does the session exist, and which upstream session does it hold on
   * `serverName`? Also slides the session's expiry by `ttlMs`. One round trip. */
  lookupUpstreamSession(gatewaySessionId: string, serverName: string, ttlMs: number): Promise<UpstreamSessionLookup>;
  /** Records the upstream session held on `serverName`; it lives as long as the gateway
   * session (same expiry). Does nothing when the gateway session no longer exists, so a
   * late writer cannot resurrect a deleted session. */
  setUpstreamSession(gatewaySessionId: string, serverName: string, upstreamSessionId: string): Promise<void>;
  /** Drops one mapping, but only if it still holds `expectedUpstreamSessionId` (so a
   * replica that saw a stale 404 cannot drop a mapping another replica just renewed). */
  deleteUpstreamSession(gatewaySessionId: string, serverName: string, expectedUpstreamSessionId?: string): Promise<void>;
  /** All upstream sessions of a gateway session (server name → upstream session id). */
  listUpstreamSessions(gatewaySessionId: string): Promise<ReadonlyMap<string, string>>;

  /** Tries to take the lock `key` for `ttlMs` (it frees itself after that, so a crashed
   * holder cannot block others forever). Returns an owner token, or undefined when someone
   * else holds it. */
  tryLock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock only if `ownerToken` still owns it. */
  unlock(key: string, ownerToken: string): Promise<void>;

  /** Readiness: resolves when the backing store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
