// The broker's MCP client connection to ONE upstream server: connect (with a timeout),
// check the handshake, list everything, then keep the listing fresh (list_changed,
// debounced) and the connection checked (ping). Any failure isolates this upstream only:
// its listing is dropped, the state becomes `failed`, and a reconnect is scheduled with
// exponential backoff. Credential headers are resolved per attempt and never logged.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ServerCapabilities } from '@modelcontextprotocol/client';
import type { UpstreamServerConfig } from '@mcp-gateway/config';
import type { Logger } from '@mcp-gateway/telemetry';
import { ReconnectBackoff } from './reconnect-backoff';
import { checkUpstreamHandshake } from './upstream-handshake-check';
import { EMPTY_LISTING, LIST_FAMILIES, fetchUpstreamListing } from './upstream-listing';
import type { ListFamily, UpstreamListing } from './upstream-listing';
import { redactSecrets, redactUrl } from './redacted-url';

export type UpstreamState = 'connecting' | 'ready' | 'failed' | 'disabled';

/** What /status shows about one upstream (never a credential). */
export interface UpstreamStatus {
  readonly name: string;
  readonly url: string;
  readonly prefix: string;
  readonly state: UpstreamState;
  readonly protocolVersion: string | undefined;
  readonly counts: { readonly tools: number; readonly prompts: number; readonly resources: number; readonly resourceTemplates: number };
  readonly lastError: string | undefined;
  readonly lastConnectedAt: string | undefined;
  readonly nextRetryAt: string | undefined;
}

export interface UpstreamConnectionSettings {
  /** Bounds the handshake and every control request (list pages, ping). */
  readonly connectTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly listChangedDebounceMs: number;
  readonly reconnect: { readonly initialDelayMs: number; readonly maxDelayMs: number };
}

export interface UpstreamConnectionOptions {
  readonly server: UpstreamServerConfig;
  readonly settings: UpstreamConnectionSettings;
  /** Headers for every request to this upstream (credential + static headers). */
  readonly resolveHeaders: (server: UpstreamServerConfig) => Promise<Record<string, string>>;
  readonly clientInfo: { readonly name: string; readonly version: string };
  readonly logger: Logger;
  /** Called whenever state or listing changed. */
  readonly onChange: () => void;
  readonly clock?: () => number;
  readonly random?: () => number;
}

const LIST_CHANGED_NOTIFICATIONS: ReadonlyArray<readonly [ListFamily, 'notifications/tools/list_changed' | 'notifications/prompts/list_changed' | 'notifications/resources/list_changed']> = [
  ['tools', 'notifications/tools/list_changed'],
  ['prompts', 'notifications/prompts/list_changed'],
  ['resources', 'notifications/resources/list_changed'],
];

export class UpstreamConnection {
  private state: UpstreamState = 'connecting';
  private listing: UpstreamListing | undefined;
  private protocolVersion: string | undefined;
  private lastError: string | undefined;
  private lastConnectedAtMs: number | undefined;
  private nextRetryAtMs: number | undefined;
  /** Each connection attempt gets a new generation; callbacks of older ones are ignored. */
  private generation = 0;
  private client: Client | undefined;
  private capabilities: ServerCapabilities = {};
  private secrets: readonly string[] = [];
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private listChangedTimer: NodeJS.Timeout | undefined;
  private readonly pendingFamilies = new Set<ListFamily>();
  private relisting = false;
  private healthCheck: Promise<void> | undefined;
  private readonly backoff: ReconnectBackoff;
  private readonly logger: Logger;
  private readonly clock: () => number;

  constructor(private readonly options: UpstreamConnectionOptions) {
    this.backoff = new ReconnectBackoff({ ...options.settings.reconnect, ...(options.random ? { random: options.random } : {}) });
    this.logger = options.logger.child({ upstream: options.server.name });
    this.clock = options.clock ?? Date.now;
  }

  get name(): string {
    return this.options.server.name;
  }

  get server(): UpstreamServerConfig {
    return this.options.server;
  }

  /** The current listing; undefined unless the upstream is ready. */
  get currentListing(): UpstreamListing | undefined {
    return this.state === 'ready' ? this.listing : undefined;
  }

  get currentState(): UpstreamState {
    return this.state;
  }

  get negotiatedProtocolVersion(): string | undefined {
    return this.protocolVersion;
  }

  status(): UpstreamStatus {
    const listing = this.listing ?? EMPTY_LISTING;
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    return {
      name: this.options.server.name,
      url: redactUrl(this.options.server.url),
      prefix: this.options.server.prefix,
      state: this.state,
      protocolVersion: this.protocolVersion,
      counts: {
        tools: listing.tools.length,
        prompts: listing.prompts.length,
        resources: listing.resources.length,
        resourceTemplates: listing.resourceTemplates.length,
      },
      lastError: this.lastError,
      lastConnectedAt: iso(this.lastConnectedAtMs),
      nextRetryAt: this.state === 'failed' ? iso(this.nextRetryAtMs) : undefined,
    };
  }

  start(): void {
    void this.connect();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const generation = ++this.generation;
    this.nextRetryAtMs = undefined;
    // A failed upstream stays `failed` while it is retried: routers and clients only hear
    // about real transitions, not about every attempt.
    if (this.state !== 'connecting' && this.state !== 'failed') {
      this.state = 'connecting';
      this.options.onChange();
    }
    const { server, settings } = this.options;
    try {
      const headers = await this.options.resolveHeaders(server);
      this.secrets = Object.values(headers);
      const transport = new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers },
        // The transport re-opens a dropped GET stream on its own; while the upstream answers
        // pings we want it to keep trying, and a dead upstream is caught by the ping.
        reconnectionOptions: {
          initialReconnectionDelay: settings.reconnect.initialDelayMs,
          maxReconnectionDelay: settings.reconnect.maxDelayMs,
          reconnectionDelayGrowFactor: 2,
          maxRetries: Number.MAX_SAFE_INTEGER,
        },
      });
      // The 2025 `initialize` handshake: routers open per-client upstream sessions the same
      // way, so an upstream that cannot do it could not be routed to anyway.
      const client = new Client({ ...this.options.clientInfo }, { capabilities: {}, versionNegotiation: { mode: 'legacy' } });
      this.client = client;
      // The transport reports trouble (e.g. the GET stream dropped) through onerror: check at
      // once whether the upstream is still there instead of waiting for the next ping.
      client.onerror = () => {
        if (generation === this.generation) this.checkHealth(generation);
      };
      // While connecting, the rejected connect() carries the better error.
      client.onclose = () => {
        if (generation === this.generation && this.state === 'ready') this.fail(generation, new Error('connection closed'));
      };
      for (const [family, method] of LIST_CHANGED_NOTIFICATIONS) {
        client.setNotificationHandler(method, () => {
          if (generation === this.generation) this.onListChanged(generation, family);
        });
      }

      await client.connect(transport, { timeout: settings.connectTimeoutMs });
      if (generation !== this.generation) {
        await client.close().catch(() => undefined);
        return;
      }
      const protocolVersion = client.getNegotiatedProtocolVersion();
      const capabilities = client.getServerCapabilities();
      checkUpstreamHandshake(server.name, { protocolVersion, capabilities });
      this.protocolVersion = protocolVersion;
      this.capabilities = capabilities ?? {};
      // Notifications that arrive while we list are covered by this listing.
      this.pendingFamilies.clear();
      const listing = await fetchUpstreamListing(client, this.capabilities, new Set(LIST_FAMILIES), EMPTY_LISTING, {
        timeoutMs: settings.connectTimeoutMs,
      });
      if (generation !== this.generation) return;
      this.listing = listing;
      this.state = 'ready';
      this.lastError = undefined;
      this.lastConnectedAtMs = this.clock();
      this.backoff.reset();
      this.startPing(generation);
      this.logger.info(
        {
          protocolVersion,
          tools: listing.tools.length,
          prompts: listing.prompts.length,
          resources: listing.resources.length,
          resourceTemplates: listing.resourceTemplates.length,
        },
        'upstream ready',
      );
      this.options.onChange();
      if (this.pendingFamilies.size > 0) this.scheduleRelist(generation);
    } catch (error) {
      this.fail(generation, error);
    }
  }

  private fail(generation: number, error: unknown): void {
    if (generation !== this.generation || this.closed) return;
    this.generation++;
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    void client?.close().catch(() => undefined);
    const wasFailed = this.state === 'failed';
    this.state = 'failed';
    this.listing = undefined;
    this.lastError = this.describe(error);
    const delayMs = this.backoff.nextDelayMs();
    this.nextRetryAtMs = this.clock() + delayMs;
    // Warn on the transition; each further failed retry only at debug level.
    if (wasFailed) this.logger.debug({ error: this.lastError, retryInMs: delayMs }, 'upstream still failing');
    else this.logger.warn({ error: this.lastError, retryInMs: delayMs }, 'upstream failed');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delayMs);
    this.reconnectTimer.unref();
    this.options.onChange();
  }

  private startPing(generation: number): void {
    const interval = this.options.settings.pingIntervalMs;
    if (interval <= 0) return;
    this.pingTimer = setInterval(() => this.checkHealth(generation), interval);
    this.pingTimer.unref();
  }

  /** One ping at a time; a failed or timed-out ping fails the upstream. */
  private checkHealth(generation: number): void {
    const client = this.client;
    if (this.healthCheck || this.state !== 'ready' || client === undefined) return;
    this.healthCheck = client
      .ping({ timeout: this.options.settings.connectTimeoutMs })
      .then(
        () => undefined,
        (error: unknown) => this.fail(generation, error),
      )
      .finally(() => {
        this.healthCheck = undefined;
      });
  }

  private onListChanged(generation: number, family: ListFamily): void {
    this.pendingFamilies.add(family);
    if (this.state === 'ready') this.scheduleRelist(generation);
  }

  /** Debounced (spec allows bursts of list_changed): one re-list per quiet period. */
  private scheduleRelist(generation: number): void {
    if (this.listChangedTimer) clearTimeout(this.listChangedTimer);
    this.listChangedTimer = setTimeout(() => {
      this.listChangedTimer = undefined;
      void this.relist(generation);
    }, this.options.settings.listChangedDebounceMs);
    this.listChangedTimer.unref();
  }

  private async relist(generation: number): Promise<void> {
    const client = this.client;
    if (generation !== this.generation || client === undefined || this.listing === undefined) return;
    if (this.relisting) return; // the running re-list picks up pending families when it ends
    this.relisting = true;
    try {
      while (this.pendingFamilies.size > 0 && generation === this.generation) {
        const families = new Set(this.pendingFamilies);
        this.pendingFamilies.clear();
        const listing = await fetchUpstreamListing(client, this.capabilities, families, this.listing, {
          timeoutMs: this.options.settings.connectTimeoutMs,
        });
        if (generation !== this.generation) return;
        this.listing = listing;
        this.logger.debug({ families: [...families] }, 'upstream re-listed');
        this.options.onChange();
      }
    } catch (error) {
      this.fail(generation, error);
    } finally {
      this.relisting = false;
    }
  }

  private clearTimers(): void {
    for (const timer of [this.reconnectTimer, this.pingTimer, this.listChangedTimer]) if (timer) clearTimeout(timer);
    this.reconnectTimer = undefined;
    this.pingTimer = undefined;
    this.listChangedTimer = undefined;
    this.pendingFamilies.clear();
  }

  private describe(error: unknown): string {
    let message = error instanceof Error ? error.message : String(error);
    // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, …) in `cause`.
    const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
    const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
    if (reason !== undefined && !message.includes(reason)) message = `${message} (${reason})`;
    return redactSecrets(message, this.secrets).slice(0, 500);
  }
}
