// Upstream sessions the gateway holds on session-era upstreams for stateless-era clients
// (MCP 2026-07-28 clients have no session the gateway could map; 2025-era upstreams need
// one). One session per (upstream, relayable client capabilities) in this process, shared
// by every stateless call with those capabilities: no store round trip on the hot path.
// The capabilities are part of the key because a 2025-era upstream decides at `initialize`
// whether it may ask the client things (elicitation, sampling, roots) — a client that did
// not declare elicitation must never be asked. Opened lazily, exactly once per key however
// many calls race; renewed when the upstream forgot it (404).
import { LATEST_PROTOCOL_VERSION } from '@mcp-gateway/jsonrpc';
import type { UpstreamEndpoint } from '../upstream/upstream-endpoints';
import type { UpstreamSessionOpener } from '../upstream/upstream-session-opener';

export interface PooledUpstreamSession {
  readonly key: string;
  readonly sessionId: string;
  readonly protocolVersion: string;
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
  /** Most sessions kept (oldest dropped first; the upstream expires what we forget). */
  readonly maxSessions?: number;
  readonly onOpened?: (serverName: string) => void;
}

export class PooledUpstreamSessions {
  private readonly sessions = new Map<string, Promise<PooledUpstreamSession>>();
  private readonly maxSessions: number;

  constructor(private readonly options: PooledUpstreamSessionsOptions) {
    this.maxSessions = options.maxSessions ?? 1_000;
  }

  /** The pooled session for calls with these capabilities on `endpoint`. */
  session(endpoint: UpstreamEndpoint, clientCapabilities: Readonly<Record<string, unknown>>): Promise<PooledUpstreamSession> {
    const capabilities = relayedCapabilities(clientCapabilities);
    const key = `${endpoint.serverName}\u0000${endpoint.url.href}\u0000${stableJson(capabilities)}`;
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const opening = this.open(key, endpoint, capabilities);
    // A failed open is not kept: the next call tries again.
    opening.catch(() => {
      if (this.sessions.get(key) === opening) this.sessions.delete(key);
    });
    if (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (!oldest.done) this.sessions.delete(oldest.value);
    }
    this.sessions.set(key, opening);
    return opening;
  }

  /** The upstream forgot `stale`: forget it too (unless already replaced) and open anew. */
  async renew(endpoint: UpstreamEndpoint, stale: PooledUpstreamSession, clientCapabilities: Readonly<Record<string, unknown>>): Promise<PooledUpstreamSession> {
    const current = this.sessions.get(stale.key);
    if (current !== undefined) {
      const held = await current.catch(() => undefined);
      if (held === undefined || held.sessionId === stale.sessionId) {
        if (this.sessions.get(stale.key) === current) this.sessions.delete(stale.key);
      }
    }
    return this.session(endpoint, clientCapabilities);
  }

  /** Ends every pooled session upstream (router shutdown). Best effort. */
  async closeAll(endpointOf: (serverName: string) => UpstreamEndpoint | undefined): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      sessions.map(async (pending) => {
        const session = await pending.catch(() => undefined);
        if (!session) return;
        const endpoint = endpointOf(session.key.slice(0, session.key.indexOf('\u0000')));
        if (endpoint) await this.options.opener.close(endpoint, session.sessionId, session.protocolVersion);
      }),
    );
  }

  private async open(key: string, endpoint: UpstreamEndpoint, capabilities: Record<string, unknown>): Promise<PooledUpstreamSession> {
    const opened = await this.options.opener.open(endpoint, {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      clientCapabilities: capabilities,
      clientInfo: { ...this.options.clientInfo },
      createdAtMs: Date.now(),
    });
    this.options.onOpened?.(endpoint.serverName);
    return { key, sessionId: opened.sessionId, protocolVersion: opened.protocolVersion };
  }
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
