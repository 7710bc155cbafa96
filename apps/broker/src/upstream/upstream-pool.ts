// The set of upstream connections the configuration asks for, in configuration order
// (the order decides name conflicts in the catalog). Applying a new configuration connects
// added servers, disconnects removed ones, and reconnects the ones whose settings changed;
// untouched connections keep running.
import type { UpstreamServerConfig } from '@mcp-gateway/config';
import type { UpstreamConnectionSettings, UpstreamState, UpstreamStatus } from './upstream-connection';
import type { ReceivedCacheHints } from './list-cache-hint';
import type { UpstreamListing } from './upstream-listing';
import { redactUrl } from './redacted-url';

/** The capability families a connected upstream declared (only what the gateway reads). */
export type DeclaredCapabilities = Readonly<Record<string, unknown>>;

/** What the pool needs from a connection (UpstreamConnection, or a twin in tests). */
export interface PooledConnection {
  readonly currentState: UpstreamState;
  readonly currentListing: UpstreamListing | undefined;
  readonly negotiatedProtocolVersion: string | undefined;
  /** What the upstream declared while ready (aggregated into `server/discover`). */
  readonly declaredCapabilities?: DeclaredCapabilities | undefined;
  /** Caching hints of its last results (stateless-era upstreams only). */
  readonly cacheHints?: ReceivedCacheHints | undefined;
  status(): UpstreamStatus;
  start(): void;
  close(): Promise<void>;
}

/** One configured server as the catalog sees it. */
export interface UpstreamSource {
  readonly server: { readonly name: string; readonly url: string; readonly prefix: string };
  readonly state: UpstreamState;
  readonly protocolVersion: string | undefined;
  readonly listing: UpstreamListing | undefined;
  readonly capabilities?: DeclaredCapabilities | undefined;
  readonly cacheHints?: ReceivedCacheHints | undefined;
}

export interface UpstreamPoolOptions {
  readonly createConnection: (server: UpstreamServerConfig, settings: UpstreamConnectionSettings, onChange: () => void) => PooledConnection;
  /** Called after any connection changed state or listing, or the set of servers changed. */
  readonly onChange: () => void;
}

interface PoolEntry {
  readonly server: UpstreamServerConfig;
  /** Identity of the settings the connection was made with; a change means reconnect. */
  readonly fingerprint: string;
  readonly connection: PooledConnection | undefined; // undefined when disabled
}

export class UpstreamPool {
  private entries: PoolEntry[] = [];
  private closed = false;

  constructor(private readonly options: UpstreamPoolOptions) {}

  /** Brings the running connections in line with `servers` (configuration order kept). */
  apply(servers: readonly UpstreamServerConfig[], settings: UpstreamConnectionSettings): void {
    if (this.closed) return;
    const previous = new Map(this.entries.map((entry) => [entry.server.name, entry]));
    const next: PoolEntry[] = [];
    for (const server of servers) {
      const fingerprint = JSON.stringify({ server, settings });
      const existing = previous.get(server.name);
      if (existing && existing.fingerprint === fingerprint) {
        next.push(existing);
        previous.delete(server.name);
        continue;
      }
      if (existing) {
        void existing.connection?.close();
        previous.delete(server.name);
      }
      let connection: PooledConnection | undefined;
      if (server.enabled) {
        connection = this.options.createConnection(server, settings, () => this.changed());
      }
      next.push({ server, fingerprint, connection });
    }
    for (const removed of previous.values()) void removed.connection?.close();
    this.entries = next;
    for (const entry of next) this.startIfNew(entry);
    this.changed();
  }

  sources(): UpstreamSource[] {
    return this.entries.map(({ server, connection }) => ({
      server: { name: server.name, url: server.url, prefix: server.prefix },
      state: connection ? connection.currentState : 'disabled',
      protocolVersion: connection?.negotiatedProtocolVersion,
      listing: connection?.currentListing,
      capabilities: connection?.declaredCapabilities,
      cacheHints: connection?.cacheHints,
    }));
  }

  statuses(): UpstreamStatus[] {
    return this.entries.map(({ server, connection }) =>
      connection
        ? connection.status()
        : {
            name: server.name,
            url: redactUrl(server.url),
            prefix: server.prefix,
            state: 'disabled',
            protocolVersion: undefined,
            counts: { tools: 0, prompts: 0, resources: 0, resourceTemplates: 0 },
            lastError: undefined,
            lastConnectedAt: undefined,
            nextRetryAt: undefined,
          },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const entries = this.entries;
    this.entries = [];
    await Promise.all(entries.map((entry) => entry.connection?.close()));
  }

  private readonly started = new WeakSet<PooledConnection>();

  private startIfNew(entry: PoolEntry): void {
    if (!entry.connection || this.started.has(entry.connection)) return;
    this.started.add(entry.connection);
    entry.connection.start();
  }

  private changed(): void {
    if (!this.closed) this.options.onChange();
  }
}
