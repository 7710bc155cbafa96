// The single-process SessionStore (the embedded default, and the twin of the Redis store in
// the contract suite). Expiry is checked lazily on every read, and one coarse, unref'd sweep
// timer reclaims what nobody reads again — never a timer per session. Records are kept as
// their JSON text: small, and callers get a fresh copy just as they would from Redis.

import type { GatewaySessionRecord, SessionStore, UpstreamSessionLookup } from './session-store';
import { SessionStoreUnavailableError } from './session-store-unavailable-error';
import { checkedTtlMs } from './time-to-live';
import { randomBytes } from 'node:crypto';

export interface InMemorySessionStoreOptions {
  /** Milliseconds since the epoch (default Date.now); tests may drive time by hand. */
  readonly clock?: () => number;
  /** How often expired sessions and locks are swept from memory (default 30000 ms). */
  readonly sweepIntervalMs?: number;
}

interface StoredSession {
  readonly recordJson: string;
  expiresAtMs: number;
  /** Created on the first upstream session: most idle sessions never need it. */
  upstreams: Map<string, string> | undefined;
}

interface HeldLock {
  readonly ownerToken: string;
  readonly expiresAtMs: number;
}

const NO_SESSION: UpstreamSessionLookup = Object.freeze({ sessionExists: false, upstreamSessionId: undefined });

export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  private readonly locks = new Map<string, HeldLock>();
  private readonly clock: () => number;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(options: InMemorySessionStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.sweepTimer.unref();
  }

  /** Sessions held in memory, expired ones not yet swept included (for metrics and tests). */
  get size(): number {
    return this.sessions.size;
  }

  async createSession(gatewaySessionId: string, record: GatewaySessionRecord, ttlMs: number): Promise<void> {
    this.assertOpen();
    const ttl = checkedTtlMs(ttlMs, 'session TTL');
    this.sessions.set(gatewaySessionId, { recordJson: JSON.stringify(record), expiresAtMs: this.clock() + ttl, upstreams: undefined });
  }

  async getSession(gatewaySessionId: string): Promise<GatewaySessionRecord | undefined> {
    this.assertOpen();
    const session = this.live(gatewaySessionId);
    return session ? (JSON.parse(session.recordJson) as GatewaySessionRecord) : undefined;
  }

  async touchSession(gatewaySessionId: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    const ttl = checkedTtlMs(ttlMs, 'session TTL');
    const session = this.live(gatewaySessionId);
    if (!session) return false;
    session.expiresAtMs = this.clock() + ttl;
    return true;
  }

  async deleteSession(gatewaySessionId: string): Promise<ReadonlyMap<string, string>> {
    this.assertOpen();
    const session = this.live(gatewaySessionId);
    this.sessions.delete(gatewaySessionId);
    return new Map(session?.upstreams);
  }

  async lookupUpstreamSession(gatewaySessionId: string, serverName: string, ttlMs: number): Promise<UpstreamSessionLookup> {
    this.assertOpen();
    const ttl = checkedTtlMs(ttlMs, 'session TTL');
    const session = this.live(gatewaySessionId);
    if (!session) return NO_SESSION;
    session.expiresAtMs = this.clock() + ttl;
    return { sessionExists: true, upstreamSessionId: session.upstreams?.get(serverName) };
  }

  async setUpstreamSession(gatewaySessionId: string, serverName: string, upstreamSessionId: string): Promise<void> {
    this.assertOpen();
    const session = this.live(gatewaySessionId);
    if (!session) return;
    session.upstreams ??= new Map();
    session.upstreams.set(serverName, upstreamSessionId);
  }

  async deleteUpstreamSession(gatewaySessionId: string, serverName: string, expectedUpstreamSessionId?: string): Promise<void> {
    this.assertOpen();
    const upstreams = this.live(gatewaySessionId)?.upstreams;
    if (!upstreams) return;
    if (expectedUpstreamSessionId === undefined || upstreams.get(serverName) === expectedUpstreamSessionId) {
      upstreams.delete(serverName);
    }
  }

  async listUpstreamSessions(gatewaySessionId: string): Promise<ReadonlyMap<string, string>> {
    this.assertOpen();
    return new Map(this.live(gatewaySessionId)?.upstreams);
  }

  async tryLock(key: string, ttlMs: number): Promise<string | undefined> {
    this.assertOpen();
    const ttl = checkedTtlMs(ttlMs, 'lock TTL');
    const now = this.clock();
    const held = this.locks.get(key);
    if (held && held.expiresAtMs > now) return undefined;
    const ownerToken = randomBytes(16).toString('base64url');
    this.locks.set(key, { ownerToken, expiresAtMs: now + ttl });
    return ownerToken;
  }

  async unlock(key: string, ownerToken: string): Promise<void> {
    this.assertOpen();
    if (this.locks.get(key)?.ownerToken === ownerToken) this.locks.delete(key);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.sessions.clear();
    this.locks.clear();
  }

  private live(gatewaySessionId: string): StoredSession | undefined {
    const session = this.sessions.get(gatewaySessionId);
    if (session === undefined) return undefined;
    if (session.expiresAtMs <= this.clock()) {
      this.sessions.delete(gatewaySessionId);
      return undefined;
    }
    return session;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [id, session] of this.sessions) if (session.expiresAtMs <= now) this.sessions.delete(id);
    for (const [key, lock] of this.locks) if (lock.expiresAtMs <= now) this.locks.delete(key);
  }

  private assertOpen(): void {
    if (this.closed) throw new SessionStoreUnavailableError('session store unavailable: the store is closed');
  }
}
