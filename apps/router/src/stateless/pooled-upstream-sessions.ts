// Upstream sessions the gateway holds on session-era upstreams for stateless-era clients
// (MCP 2026-07-28 clients have no session the gateway could map; 2025-era upstreams need
// one). Two kinds, both kept in this process only — no store round trip on the hot path:
//
// - the shared session of an upstream, opened without client capabilities, used by every
//   call of a client that cannot be asked anything (the upstream will not ask);
// - exclusive sessions, leased to ONE call at a time, opened with the relayable capabilities
//   (elicitation, sampling, roots) of clients that can be asked. Exclusive because a 2025-era
//   upstream may ask on the session's GET stream, outside the call (the MCP SDK v2's
//   `elicitInput` does), and only a session with one call in flight tells whose question it
//   is. Leases return to a small idle pool per (upstream, capabilities) to be reused.
//
// Sessions are opened lazily (a shared one exactly once however many calls race) and
// renewed when the upstream forgot them (404).
import { LATEST_PROTOCOL_VERSION } from '@mcp-gateway/jsonrpc';
import type { UpstreamEndpoint } from '../upstream/upstream-endpoints';
import type { UpstreamSessionOpener } from '../upstream/upstream-session-opener';

export interface PooledUpstreamSession {
  readonly serverName: string;
  readonly sessionId: string;
  readonly protocolVersion: string;
}

/** One call's exclusive use of a session; `release` once the call (and its rounds) ended. */
export interface UpstreamSessionLease {
  readonly session: PooledUpstreamSession;
  /** `reusable` false when the session failed (it is then closed, not pooled). */
  release(reusable: boolean): void;
}

/** The client capabilities an upstream session may be opened with: what the bridge relays. */
export function relayedCapabilities(clientCapabilities: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const relayed: Record<string, unknown> = {};
  for (const name of ['elicitation', 'sampling', 'roots'] as const) {
    const value = clientCapabilities[name];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) relayed[name] = value;
  }
  return relayed;
}

export interface PooledUpstreamSessionsOptions {
  readonly opener: UpstreamSessionOpener;
  readonly clientInfo: { readonly name: string; readonly version: string };
  /** Idle exclusive sessions kept per (upstream, capabilities); more are closed. Default 8. */
  readonly maxIdlePerKey?: number;
  readonly onOpened?: (serverName: string) => void;
}

export class PooledUpstreamSessions {
  private readonly shared = new Map<string, Promise<PooledUpstreamSession>>();
  private readonly idle = new Map<string, PooledUpstreamSession[]>();
  private readonly endpoints = new Map<string, UpstreamEndpoint>();
  private readonly maxIdlePerKey: number;
  private closed = false;

  constructor(private readonly options: PooledUpstreamSessionsOptions) {
    this.maxIdlePerKey = options.maxIdlePerKey ?? 8;
  }

  /** The shared session of `endpoint` (no client capabilities). */
  sharedSession(endpoint: UpstreamEndpoint): Promise<PooledUpstreamSession> {
    const key = keyOf(endpoint, {});
    const existing = this.shared.get(key);
    if (existing) return existing;
    const opening = this.open(endpoint, {});
    // A failed open is not kept: the next call tries again.
    opening.catch(() => {
      if (this.shared.get(key) === opening) this.shared.delete(key);
    });
    this.shared.set(key, opening);
    return opening;
  }

  /** The upstream forgot the shared session `stale`: drop it (unless replaced) and open anew. */
  async renewShared(endpoint: UpstreamEndpoint, stale: PooledUpstreamSession): Promise<PooledUpstreamSession> {
    const key = keyOf(endpoint, {});
    const current = this.shared.get(key);
    if (current !== undefined) {
      const held = await current.catch(() => undefined);
      if ((held === undefined || held.sessionId === stale.sessionId) && this.shared.get(key) === current) this.shared.delete(key);
    }
    return this.sharedSession(endpoint);
  }

  /** An exclusive session opened with the client's relayable capabilities. */
  async lease(endpoint: UpstreamEndpoint, clientCapabilities: Readonly<Record<string, unknown>>): Promise<UpstreamSessionLease> {
    const capabilities = relayedCapabilities(clientCapabilities);
    const key = keyOf(endpoint, capabilities);
    const session = this.idle.get(key)?.pop() ?? (await this.open(endpoint, capabilities));
    let released = false;
    return {
      session,
      release: (reusable) => {
        if (released) return;
        released = true;
        const idle = this.idle.get(key) ?? [];
        if (reusable && !this.closed && idle.length < this.maxIdlePerKey) {
          idle.push(session);
          this.idle.set(key, idle);
        } else {
          void this.options.opener.close(endpoint, session.sessionId, session.protocolVersion);
        }
      },
    };
  }

  /** Ends every pooled session upstream (router shutdown). Best effort. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const sessions = [...(await Promise.all([...this.shared.values()].map((pending) => pending.catch(() => undefined))))];
    for (const idle of this.idle.values()) sessions.push(...idle);
    this.shared.clear();
    this.idle.clear();
    await Promise.all(
      sessions.map(async (session) => {
        const endpoint = session && this.endpoints.get(session.serverName);
        if (session && endpoint) await this.options.opener.close(endpoint, session.sessionId, session.protocolVersion);
      }),
    );
  }

  private async open(endpoint: UpstreamEndpoint, capabilities: Record<string, unknown>): Promise<PooledUpstreamSession> {
    this.endpoints.set(endpoint.serverName, endpoint);
    const opened = await this.options.opener.open(endpoint, {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      clientCapabilities: capabilities,
      clientInfo: { ...this.options.clientInfo },
      createdAtMs: Date.now(),
    });
    this.options.onOpened?.(endpoint.serverName);
    return { serverName: endpoint.serverName, sessionId: opened.sessionId, protocolVersion: opened.protocolVersion };
  }
}

function keyOf(endpoint: UpstreamEndpoint, capabilities: Record<string, unknown>): string {
  return `${endpoint.serverName}\u0000${endpoint.url.href}\u0000${stableJson(capabilities)}`;
}

/** JSON with object keys sorted, so equal capabilities give equal keys. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
