// The broker's MCP client connection to ONE upstream server: connect (with a timeout),
// check the handshake, list everything, then keep the listing fresh (list_changed,
// debounced) and the connection checked (ping). Any failure isolates this upstream only:
// its listing is dropped, the state becomes `failed`, and a reconnect is scheduled with
// exponential backoff. Credential headers are resolved per attempt and never logged.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { DiscoverResult, McpSubscription, ServerCapabilities } from '@modelcontextprotocol/client';
import { SESSION_ERA_PROTOCOL_VERSIONS, STATELESS_ERA_PROTOCOL_VERSIONS } from '@mcp-gateway/jsonrpc';
import type { UpstreamServerConfig } from '@mcp-gateway/config';
import type { Logger } from '@mcp-gateway/telemetry';
import { answerServerRequestsAsCatalogClient, CATALOG_CLIENT_CAPABILITIES } from './catalog-client-capabilities';
import { ReconnectBackoff } from './reconnect-backoff';
import { readCacheHint, remainingFreshnessMs } from './list-cache-hint';
import type { ReceivedCacheHint, ReceivedCacheHints } from './list-cache-hint';
import { UpstreamProtocolError, checkUpstreamHandshake } from './upstream-handshake-check';
import { probeUpstreamEra } from './upstream-era-probe';
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
  /** `stateless` for a 2026-07-28-era upstream, `session` for a 2025-era one, once known. */
  readonly protocolEra?: 'session' | 'stateless';
  /** Set when the upstream speaks only versions the gateway does not (its entries are left out). */
  readonly supportedVersions?: readonly string[];
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
  /** Which era the last successful probe found (MCP 2026-07-28 "Versioning"). */
  private era: 'session' | 'stateless' | undefined;
  /** What an upstream without a version in common offered (for /status). */
  private offeredVersions: readonly string[] | undefined;
  /** Stateless era: the hint of the last `server/discover`, and the change subscription. */
  private discoverHint: ReceivedCacheHint | undefined;
  private subscription: McpSubscription | undefined;
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

  /** What the upstream declared, while it is ready. */
  get declaredCapabilities(): ServerCapabilities | undefined {
    return this.state === 'ready' ? this.capabilities : undefined;
  }

  /** Caching hints of the results the catalog holds (stateless-era upstreams, while ready). */
  get cacheHints(): ReceivedCacheHints | undefined {
    if (this.state !== 'ready' || this.era !== 'stateless') return undefined;
    return { ...this.listing?.cacheHints, ...(this.discoverHint ? { 'server/discover': this.discoverHint } : {}) };
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
      ...(this.era !== undefined ? { protocolEra: this.era } : {}),
      ...(this.offeredVersions !== undefined ? { supportedVersions: this.offeredVersions } : {}),
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
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close().catch(() => undefined);
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
      // MCP 2026-07-28 "Versioning": which era, and which version, per upstream.
      const era = await probeUpstreamEra({ url: server.url, headers, clientInfo: this.options.clientInfo, timeoutMs: settings.connectTimeoutMs, clock: this.clock });
      if (generation !== this.generation) return;
      if (era.kind === 'unsupported') {
        this.offeredVersions = era.supportedVersions;
        throw new UpstreamProtocolError(
          server.name,
          `upstream speaks protocol version(s) ${era.supportedVersions.join(', ') || '(none named)'}; the gateway speaks ${[...STATELESS_ERA_PROTOCOL_VERSIONS, ...SESSION_ERA_PROTOCOL_VERSIONS].join(', ')}`,
        );
      }
      this.offeredVersions = undefined;
      this.era = era.kind;
      this.discoverHint = era.kind === 'stateless' ? readCacheHint(era.discover, era.receivedAtMs) : undefined;
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
      // Stateless era (MCP 2026-07-28): the version the probe chose, pinned, adopting the
      // probe's DiscoverResult so no second round trip is made.
      const client = new Client(
        { ...this.options.clientInfo },
        { capabilities: CATALOG_CLIENT_CAPABILITIES, versionNegotiation: { mode: era.kind === 'stateless' ? { pin: era.protocolVersion } : 'legacy' } },
      );
      answerServerRequestsAsCatalogClient(client);
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

      await client.connect(transport, {
        timeout: settings.connectTimeoutMs,
        ...(era.kind === 'stateless' ? { prior: { kind: 'modern' as const, discover: era.discover as unknown as DiscoverResult } } : {}),
      });
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
        keepCacheHints: this.era === 'stateless',
        clock: this.clock,
      });
      if (generation !== this.generation) return;
      this.listing = listing;
      this.state = 'ready';
      this.lastError = undefined;
      this.lastConnectedAtMs = this.clock();
      this.backoff.reset();
      this.startPing(generation);
      if (this.era === 'stateless') void this.listenForChanges(client, generation);
      this.logger.info(
        {
          protocolVersion,
          era: this.era,
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
    const subscription = this.subscription;
    this.subscription = undefined;
    void subscription?.close().catch(() => undefined);
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

  /** One ping at a time; a failed or timed-out ping fails the upstream. The stateless era
   * has no `ping` (MCP 2026-07-28 changelog): `server/discover` takes its place. */
  private checkHealth(generation: number): void {
    const client = this.client;
    if (this.healthCheck || this.state !== 'ready' || client === undefined) return;
    const timeout = this.options.settings.connectTimeoutMs;
    const check = this.era === 'stateless' ? this.rediscover(client, generation, timeout) : client.ping({ timeout }).then(() => undefined);
    this.healthCheck = check
      .then(
        () => undefined,
        (error: unknown) => this.fail(generation, error),
      )
      .finally(() => {
        this.healthCheck = undefined;
      });
  }

  /**
   * Stateless era: `server/discover` answers, and lists whose caching hint ran out are
   * fetched again (a stateless upstream may send no list_changed at all; MCP 2026-07-28
   * "Caching": a stale result SHOULD be re-fetched on next access).
   */
  private async rediscover(client: Client, generation: number, timeout: number): Promise<void> {
    const discover = await client.discover({ timeout });
    if (generation !== this.generation) return;
    this.discoverHint = readCacheHint(discover as unknown as Record<string, unknown>, this.clock());
    const hints = this.listing?.cacheHints ?? {};
    const now = this.clock();
    const stale = (method: keyof ReceivedCacheHints): boolean => {
      const hint = hints[method];
      return hint === undefined || remainingFreshnessMs(hint, now) === 0;
    };
    if (stale('tools/list')) this.pendingFamilies.add('tools');
    if (stale('prompts/list')) this.pendingFamilies.add('prompts');
    if (stale('resources/list') || stale('resources/templates/list')) this.pendingFamilies.add('resources');
    if (this.pendingFamilies.size > 0) this.scheduleRelist(generation);
  }

  /** Stateless era: change notifications come on a `subscriptions/listen` stream (MCP
   * 2026-07-28 "Subscriptions"); they reach the list_changed handlers registered above. */
  private async listenForChanges(client: Client, generation: number): Promise<void> {
    const declared = this.capabilities;
    const filter = {
      ...(declared.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(declared.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(declared.resources?.listChanged ? { resourcesListChanged: true } : {}),
    };
    if (Object.keys(filter).length === 0) return;
    try {
      const subscription = await client.listen(filter, { timeout: this.options.settings.connectTimeoutMs });
      if (generation !== this.generation) {
        await subscription.close();
        return;
      }
      this.subscription = subscription;
      // A stream that drops is an early hint that the upstream went away.
      void subscription.closed.then((how) => {
        if (how === 'remote' && generation === this.generation) this.checkHealth(generation);
      });
    } catch (error) {
      // Without a subscription the lists still refresh when their hints run out.
      this.logger.debug({ error: this.describe(error) }, 'upstream refused subscriptions/listen');
    }
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
          keepCacheHints: this.era === 'stateless',
          clock: this.clock,
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
