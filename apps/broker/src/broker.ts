// The broker's composition root: builds every part from the configuration, wires the
// catalog's changes to the list pages, the routing watchers and the client notification
// streams, starts the servers, follows configuration changes, and closes everything in
// reverse order. No behaviour of its own lives here.
import { randomBytes } from 'node:crypto';
import { ConfigWatcher, resolveCredential } from '@mcp-gateway/config';
import type { GatewayConfig } from '@mcp-gateway/config';
import { GatewaySessionIdCodec } from '@mcp-gateway/session-store';
import { createMetricsRegistry } from '@mcp-gateway/telemetry';
import type { Logger } from '@mcp-gateway/telemetry';
import { Catalog } from './catalog/catalog';
import type { CatalogFamily } from './catalog/catalog';
import { DEFAULT_LIST_PAGE_SIZE, ListPages } from './catalog/list-pages';
import { GatewayMethods } from './client-facing/gateway-methods';
import { ListenSubscriptions } from './client-facing/listen-subscriptions';
import { McpEndpoint } from './client-facing/mcp-endpoint';
import { NotificationStreams } from './client-facing/notification-streams';
import { StatelessGatewayMethods } from './client-facing/stateless-gateway-methods';
import { BrokerHttpServer } from './http/broker-http-server';
import { BrokerMetrics } from './metrics/broker-metrics';
import { RoutingTableService } from './routing/routing-table-service';
import { UpstreamWarmUp } from './upstream/upstream-warm-up';
import { toRoutingTableSnapshot } from './routing/routing-table-snapshot';
import { buildStatusReport } from './status/status-report';
import type { StatusReport } from './status/status-report';
import { UpstreamConnection } from './upstream/upstream-connection';
import type { UpstreamConnectionSettings } from './upstream/upstream-connection';
import { UpstreamPool } from './upstream/upstream-pool';

export const BROKER_NAME = 'mcp-gateway';
export const BROKER_VERSION = '0.1.0';

export interface BrokerOptions {
  /** The gateway configuration file; watched for changes while the broker runs. */
  readonly configPath: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly httpPort: number;
  /** 0 picks a free port. */
  readonly grpcPort: number;
  readonly logger: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly listPageSize?: number;
  /** Keep-alive comment interval on GET /mcp streams. Default 15 s. */
  readonly keepAliveMs?: number;
  /** Quiet period before a changed configuration file is re-read. */
  readonly configDebounceMs?: number;
  readonly protoPath?: string;
}

export interface RunningBroker {
  readonly httpPort: number;
  readonly grpcPort: number;
  status(): StatusReport;
  close(): Promise<void>;
}

const NOTIFICATION_BY_FAMILY: Readonly<Record<CatalogFamily, string>> = {
  tools: 'notifications/tools/list_changed',
  prompts: 'notifications/prompts/list_changed',
  resources: 'notifications/resources/list_changed',
};

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const { logger } = options;
  const env = options.env ?? process.env;
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.warn({ error: (error as Error).message }, 'error while closing');
      }
    }
    closers.length = 0;
  };

  try {
    // Configuration first: ConfigWatcher.start() loads and validates the file once.
    // The pool is built after the configuration is loaded; reloads reach it through here.
    const reloadTarget: { pool?: UpstreamPool } = {};
    const watcher = new ConfigWatcher(
      options.configPath,
      {
        onChange: (config) => {
          logger.info({ servers: config.servers.map((server) => server.name) }, 'configuration reloaded');
          logger.level = config.logLevel;
          reloadTarget.pool?.apply(config.servers, connectionSettings(config));
        },
        onInvalid: (error) => {
          const issues = 'issues' in error ? error.issues : undefined;
          logger.error({ error: error.message, issues }, 'configuration file is invalid; keeping the last good configuration');
        },
      },
      { env, ...(options.configDebounceMs !== undefined ? { debounceMs: options.configDebounceMs } : {}) },
    );
    let watcherOpen = true;
    const closeWatcher = async () => {
      if (!watcherOpen) return;
      watcherOpen = false;
      await watcher.close();
    };
    closers.push(closeWatcher);
    const config = await watcher.start();
    logger.level = config.logLevel;

    const sessionIds = new GatewaySessionIdCodec(sessionSecret(config, logger), { maxLifetimeMs: config.session.maxLifetimeMs });

    const catalog = new Catalog();
    const listPages = new ListPages(options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE);
    listPages.rebuild(catalog.snapshot);
    const streams = new NotificationStreams({ keepAliveMs: options.keepAliveMs ?? 15_000, logger });
    const subscriptions = new ListenSubscriptions(options.keepAliveMs ?? 15_000);

    // No routing table for routers, and not ready, until the first connection round to the
    // upstreams is over (UpstreamWarmUp): a restarted broker must not hand out a partial one.
    const routing = await RoutingTableService.start({
      host: options.host,
      port: options.grpcPort,
      logger,
      ...(options.protoPath ? { protoPath: options.protoPath } : {}),
    });
    closers.push(() => routing.close());
    const warmUp = new UpstreamWarmUp({
      maxWaitMs: config.timeouts.upstreamConnectMs + 1_000,
      onSettled: () => routing.publish(toRoutingTableSnapshot(catalog.snapshot)),
    });
    closers.push(() => warmUp.close());

    // Order matters: pages are rebuilt before clients are told to list again.
    catalog.onChange((change) => {
      listPages.rebuild(change.snapshot);
      if (warmUp.settled) routing.publish(toRoutingTableSnapshot(change.snapshot));
      streams.broadcast([...change.changedFamilies].map((family) => NOTIFICATION_BY_FAMILY[family]));
      subscriptions.changed(change.changedFamilies);
      logger.info(
        {
          catalogVersion: change.snapshot.version,
          changed: [...change.changedFamilies],
          tools: change.snapshot.tools.length,
          conflicts: change.snapshot.conflicts.length,
        },
        'catalog changed',
      );
    });

    let catalogUpdateQueued = false;
    const activePool = new UpstreamPool({
      createConnection: (server, settings, onChange) =>
        new UpstreamConnection({
          server,
          settings,
          // Static headers plus the credential header, resolved on every attempt so a
          // rotated credential file applies at the next reconnect.
          resolveHeaders: (target) => resolveCredential(target, env),
          clientInfo: { name: `${BROKER_NAME}-broker`, version: BROKER_VERSION },
          logger,
          onChange,
        }),
      // Several upstreams often change together (start-up, reload): rebuild once per tick.
      onChange: () => {
        if (catalogUpdateQueued) return;
        catalogUpdateQueued = true;
        queueMicrotask(() => {
          catalogUpdateQueued = false;
          try {
            catalog.update(activePool.sources());
            warmUp.check(activePool.sources());
          } catch (error) {
            logger.error({ error: error instanceof Error ? error.message : String(error) }, 'cannot rebuild the catalog');
          }
        });
      },
    });
    reloadTarget.pool = activePool;
    closers.push(() => activePool.close());

    const registry = createMetricsRegistry('broker');
    const metrics = new BrokerMetrics(registry, {
      upstreamStates: () => activePool.sources().map((source) => source.state),
      catalogCounts: () => {
        const snapshot = catalog.snapshot;
        return {
          tools: snapshot.tools.length,
          prompts: snapshot.prompts.length,
          resources: snapshot.resources.length,
          resourceTemplates: snapshot.resourceTemplates.length,
        };
      },
      routingWatchers: () => routing.currentWatchers().length,
      notificationStreams: () => streams.openStreamCount,
    });

    const endpoint = new McpEndpoint({
      sessionIds,
      methods: new GatewayMethods(listPages, { name: BROKER_NAME, version: BROKER_VERSION }),
      streams,
      stateless: new StatelessGatewayMethods({
        listPages,
        sources: () => activePool.sources(),
        identity: { name: BROKER_NAME, version: BROKER_VERSION },
        subscriptions,
        onMethod: (method) => metrics.countMethod(method),
      }),
      maxRequestBodyBytes: config.limits.maxRequestBodyBytes,
      logger,
      onMethod: (method) => metrics.countMethod(method),
    });
    const status = (): StatusReport =>
      buildStatusReport({
        upstreams: activePool.statuses(),
        snapshot: catalog.snapshot,
        routers: routing.currentWatchers(),
        notificationStreams: streams.openStreamCount,
      });
    let httpListening = false;
    const http = await BrokerHttpServer.start({
      host: options.host,
      port: options.httpPort,
      logger,
      routes: {
        mcp: (req, res) => endpoint.handle(req, res),
        status,
        // Ready once the first connection round is over. Upstreams being down does not make
        // the broker unready: it still answers initialize, lists (possibly empty) and serves
        // the routing table.
        ready: () => httpListening && warmUp.settled,
        metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
      },
    });
    httpListening = true;
    closers.push(() => http.close());
    closers.push(() => streams.close());
    closers.push(() => subscriptions.close());
    closers.push(() => {
      httpListening = false;
    });
    // Closed first: no reload may reconnect upstreams while the broker shuts down.
    closers.push(closeWatcher);

    activePool.apply(config.servers, connectionSettings(config));
    warmUp.check(activePool.sources());

    return { httpPort: http.port, grpcPort: routing.port, status, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function connectionSettings(config: GatewayConfig): UpstreamConnectionSettings {
  return {
    connectTimeoutMs: config.timeouts.upstreamConnectMs,
    pingIntervalMs: config.broker.pingIntervalMs,
    listChangedDebounceMs: config.broker.listChangedDebounceMs,
    reconnect: { initialDelayMs: config.broker.reconnect.initialDelayMs, maxDelayMs: config.broker.reconnect.maxDelayMs },
  };
}

function sessionSecret(config: GatewayConfig, logger: Logger): string {
  if (config.session.signingSecret) return config.session.signingSecret;
  logger.warn(
    'no session signing secret (GATEWAY_SESSION_SECRET or session.signingSecret): using a random one; routers will not accept these session ids unless they share it',
  );
  return randomBytes(32).toString('base64url');
}
