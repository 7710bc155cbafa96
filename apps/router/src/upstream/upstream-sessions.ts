// The upstream session a gateway session holds on each server: found in the store, or
// opened on first use exactly once however many calls race for it — once per process
// (calls in this process share one promise) and once across replicas
// (`resolveUpstreamSession` takes the store lock). Also renews a session the upstream
// forgot, and closes them all when the gateway session ends.

import type http from 'node:http';
import { GatewayError } from '@mcp-gateway/jsonrpc';
import type { SessionStore } from '@mcp-gateway/session-store';
import { GatewaySessionNotFoundError, resolveUpstreamSession, UpstreamSessionWaitTimeoutError } from '@mcp-gateway/session-store';
import type { SessionGate } from '../session/session-gate';
import { sessionNotFound, storeFailure } from '../session/session-gate';
import type { UpstreamEndpoint } from './upstream-endpoints';
import type { UpstreamSessionOpener } from './upstream-session-opener';

export interface UpstreamSessionsOptions {
  readonly store: SessionStore;
  readonly gate: SessionGate;
  readonly opener: UpstreamSessionOpener;
  readonly idleTtlMs: number;
  /** Bound on one open (initialize + initialized); the store lock outlives it. */
  readonly connectTimeoutMs: number;
  /** Most upstream protocol versions remembered (oldest forgotten first). */
  readonly maxRememberedVersions?: number;
  /** Told of every upstream session this process opened (metrics). */
  readonly onOpened?: (serverName: string) => void;
}

export class UpstreamSessions {
  private readonly opening = new Map<string, Promise<string>>();
  /** What this process learnt about an upstream session: the version the upstream
   * negotiated (for MCP-Protocol-Version; known only where the session was opened) and
   * whether the client can answer requests (elicitation, sampling, roots), so the session's
   * GET stream is worth holding. */
  private readonly known = new Map<string, { readonly protocolVersion?: string; readonly clientCanBeAsked: boolean }>();
  private readonly maxVersions: number;

  constructor(private readonly options: UpstreamSessionsOptions) {
    this.maxVersions = options.maxRememberedVersions ?? 100_000;
  }

  /** The version the upstream chose for a session this process opened, if known. */
  protocolVersion(upstreamSessionId: string): string | undefined {
    return this.known.get(upstreamSessionId)?.protocolVersion;
  }

  /**
   * Whether the client behind `upstreamSessionId` can be asked things, on any replica. The
   * process that opened the session knows at once; another replica reads the gateway
   * session's capabilities from the store once (then remembers). Without this, once the
   * opener is gone (killed, scaled down) no replica would hold the upstream's GET stream, and
   * an upstream asking there (SDK `elicitInput`) would ask no one: the call would hang until
   * its timeout.
   */
  async clientCanBeAskedOn(gatewaySessionId: string, upstreamSessionId: string): Promise<boolean> {
    const known = this.known.get(upstreamSessionId);
    if (known) return known.clientCanBeAsked;
    if (upstreamSessionId === '') return false;
    const client = await this.options.gate.session(gatewaySessionId);
    const canBeAsked = capabilitiesAllowAsking(client.clientCapabilities);
    this.remember(upstreamSessionId, { clientCanBeAsked: canBeAsked });
    return canBeAsked;
  }

  /** The upstream session of (gateway session, server), opening it if there is none. */
  ensure(gatewaySessionId: string, endpoint: UpstreamEndpoint, traceHeaders: http.OutgoingHttpHeaders): Promise<string> {
    const key = `${gatewaySessionId}\u0000${endpoint.serverName}`;
    const pending = this.opening.get(key);
    if (pending) return pending;
    const opening = this.resolve(gatewaySessionId, endpoint, traceHeaders).finally(() => this.opening.delete(key));
    this.opening.set(key, opening);
    return opening;
  }

  /** The upstream forgot `staleId` (404): drop the mapping — only if it still holds that
   * id, another caller may have renewed it already — and get a fresh one. */
  async renew(gatewaySessionId: string, endpoint: UpstreamEndpoint, staleId: string, traceHeaders: http.OutgoingHttpHeaders): Promise<string> {
    this.known.delete(staleId);
    try {
      await this.options.store.deleteUpstreamSession(gatewaySessionId, endpoint.serverName, staleId);
    } catch (error) {
      throw storeFailure(error);
    }
    return this.ensure(gatewaySessionId, endpoint, traceHeaders);
  }

  /** Sends DELETE for every upstream session of an ended gateway session. Best effort. */
  async closeAll(sessions: ReadonlyMap<string, string>, endpointOf: (serverName: string) => UpstreamEndpoint | undefined): Promise<void> {
    await Promise.all(
      [...sessions].map(async ([serverName, upstreamSessionId]) => {
        const endpoint = endpointOf(serverName);
        const version = this.known.get(upstreamSessionId)?.protocolVersion;
        this.known.delete(upstreamSessionId);
        if (endpoint) await this.options.opener.close(endpoint, upstreamSessionId, version);
      }),
    );
  }

  private async resolve(gatewaySessionId: string, endpoint: UpstreamEndpoint, traceHeaders: http.OutgoingHttpHeaders): Promise<string> {
    const { store, gate, opener, idleTtlMs, connectTimeoutMs } = this.options;
    try {
      const resolved = await resolveUpstreamSession(store, {
        gatewaySessionId,
        serverName: endpoint.serverName,
        ttlMs: idleTtlMs,
        lockTtlMs: connectTimeoutMs + 5_000,
        open: async () => {
          const client = await gate.session(gatewaySessionId);
          const opened = await opener.open(endpoint, client, traceHeaders);
          this.remember(opened.sessionId, {
            protocolVersion: opened.protocolVersion,
            clientCanBeAsked: capabilitiesAllowAsking(client.clientCapabilities),
          });
          this.options.onOpened?.(endpoint.serverName);
          return opened.sessionId;
        },
      });
      return resolved.upstreamSessionId;
    } catch (error) {
      if (error instanceof GatewaySessionNotFoundError) throw sessionNotFound();
      if (error instanceof UpstreamSessionWaitTimeoutError) {
        throw new GatewayError('UPSTREAM_TIMEOUT', `upstream server "${endpoint.serverName}" did not open a session in time`, {
          server: endpoint.serverName,
          cause: error,
        });
      }
      throw storeFailure(error);
    }
  }

  private remember(upstreamSessionId: string, facts: { readonly protocolVersion?: string; readonly clientCanBeAsked: boolean }): void {
    if (upstreamSessionId === '') return;
    if (this.known.size >= this.maxVersions) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
    this.known.set(upstreamSessionId, facts);
  }
}

/** A client that declared elicitation, sampling or roots may be sent requests. */
function capabilitiesAllowAsking(capabilities: Record<string, unknown>): boolean {
  return capabilities['elicitation'] !== undefined || capabilities['sampling'] !== undefined || capabilities['roots'] !== undefined;
}
