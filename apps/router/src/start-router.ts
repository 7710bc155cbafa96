// Composition of one router: the routing table watch, the session gate, upstream sessions,
// the routing core and its standalone HTTP face, all on one HTTP listener (/mcp beside
// /healthz, /readyz and /metrics). Collaborators that outlive the router (session store,
// codec, logger, metrics registry) are passed in and closed by whoever created them.

import type { GatewayConfig } from '@mcp-gateway/config';
import { InMemoryServerRequestIdMapper } from '@mcp-gateway/id-mapper';
import type { ServerRequestIdMapper } from '@mcp-gateway/id-mapper';
import type { GatewaySessionIdCodec, SessionStore } from '@mcp-gateway/session-store';
import type { Logger } from '@mcp-gateway/telemetry';
import { startOpsServer } from '@mcp-gateway/telemetry';
import { Registry } from 'prom-client';
import { BrokerProxy } from './broker/broker-proxy';
import { ExtProcMetrics } from './ext-proc-face/ext-proc-metrics';
import { ExtProcServer } from './ext-proc-face/ext-proc-server';
import { StandaloneHttpFace } from './http-face/standalone-http-face';
import { EraBridges } from './stateless/era-bridges';
import type { InputExchangeStore } from './stateless/input-exchange-store';
import { HostOriginPolicy } from './inbound/host-origin-policy';
import { RouterMetrics } from './metrics/router-metrics';
import { RouterCore } from './routing/router-core';
import { RoutingTableWatch } from './routing/routing-table-watch';
import { InFlightRoutedRequests } from './session/in-flight-routed-requests';
import { SessionGate } from './session/session-gate';
import { SessionStoreReadiness } from './session/session-store-readiness';
import { CancellationFanOut } from './upstream/cancellation-fan-out';
import { ServerRequestRemapper } from './upstream/server-request-remapper';
import { UpstreamEndpoints } from './upstream/upstream-endpoints';
import { UpstreamEventStreams } from './upstream/upstream-event-streams';
import type { ClientStreamChannel } from './server-requests/client-stream-channel';
import type { RootsAskers } from './server-requests/roots-askers';
import { RootsListChangedFanOut } from './server-requests/roots-list-changed-fan-out';
import { openServerRequestState } from './server-requests/server-request-state';
import { UnclaimedServerMessages } from './server-requests/unclaimed-server-messages';
import { UpstreamSessionOpener } from './upstream/upstream-session-opener';
import { UpstreamSessions } from './upstream/upstream-sessions';

export interface RouterOptions {
  readonly config: GatewayConfig;
  /** The broker's HTTP base URL (its /mcp is reached through it). */
  readonly brokerUrl: string;
  /** host:port of the broker's gRPC server (RoutingTableService.Watch). */
  readonly brokerGrpcAddress: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Port of the Envoy ext_proc face (gRPC, same host); undefined = not served, 0 = any. */
  readonly extProcPort?: number;
  /** Longest the ext_proc face takes to answer one Envoy message (default 9 s, below the
   * 10 s message_timeout the operator configures). */
  readonly extProcMessageBudgetMs?: number;
  readonly sessionStore: SessionStore;
  readonly sessionIdCodec: GatewaySessionIdCodec;
  /** State of exchanges between protocol eras (shared by replicas); default Redis at
   * `sessionStore.url`, else in memory — owned by the router either way when not given. */
  readonly inputExchangeStore?: InputExchangeStore;
  /** Ids of server-initiated requests (shared by replicas); default in memory, owned by
   * the router. */
  readonly serverRequestIdMapper?: ServerRequestIdMapper;
  /** The way to clients' GET streams from any replica, and who asked for roots (shared by
   * replicas); default Redis at `sessionStore.url`, else in memory — owned by the router
   * when not given. */
  readonly clientStreamChannel?: ClientStreamChannel;
  readonly rootsAskers?: RootsAskers;
  readonly logger: Logger;
  readonly registry?: Registry;
  /** Shown in the broker's logs; default `router-<pid>`. */
  readonly routerId?: string;
  /** Process environment for credential lookups (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningRouter {
  readonly port: number;
  /** The ext_proc face's port, when it is served. */
  readonly extProcPort: number | undefined;
  /** Ready once the first routing table arrived and the session store answered once (and
   * stays so while the broker or the store is away: see SessionStoreReadiness). */
  ready(): boolean;
  /** Adopts a new config's servers (URLs, credentials, static headers). */
  reconfigure(config: GatewayConfig): Promise<void>;
  /** Stops in reverse order of start: listener, background work, watch, connections. */
  close(): Promise<void>;
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const { config, logger } = options;
  const registry = options.registry ?? new Registry();
  const metrics = new RouterMetrics(registry);
  const endpoints = new UpstreamEndpoints({ logger, env: options.env });
  await endpoints.configure(config.servers);

  const watch = new RoutingTableWatch({
    address: options.brokerGrpcAddress,
    routerId: options.routerId ?? `router-${process.pid}`,
    reconnect: config.broker.reconnect,
    logger,
    onTable: (table) => metrics.routingTableVersion(table.version),
  });
  const gate = new SessionGate(options.sessionIdCodec, options.sessionStore, config.session.idleTtlMs);
  const upstreamSessions = new UpstreamSessions({
    store: options.sessionStore,
    gate,
    opener: new UpstreamSessionOpener({ connectTimeoutMs: config.timeouts.upstreamConnectMs }),
    idleTtlMs: config.session.idleTtlMs,
    connectTimeoutMs: config.timeouts.upstreamConnectMs,
    onOpened: (serverName) => metrics.upstreamSessionOpened(serverName),
  });
  // MCP 2026-07-28 clients and upstreams, and the crossings between the eras.
  const eraBridges = new EraBridges({
    config,
    routingTable: watch,
    endpoints,
    gate,
    opener: new UpstreamSessionOpener({ connectTimeoutMs: config.timeouts.upstreamConnectMs }),
    logger,
    ...(options.inputExchangeStore ? { store: options.inputExchangeStore } : {}),
    onUpstreamSessionOpened: (serverName) => metrics.upstreamSessionOpened(serverName),
  });
  const ownMapper = options.serverRequestIdMapper ? undefined : new InMemoryServerRequestIdMapper();
  const serverRequestIdMapper = options.serverRequestIdMapper ?? (ownMapper as ServerRequestIdMapper);
  const serverRequestState = openServerRequestState({
    config,
    logger,
    ...(options.clientStreamChannel ? { channel: options.clientStreamChannel } : {}),
    ...(options.rootsAskers ? { rootsAskers: options.rootsAskers } : {}),
  });
  const serverRequests = new ServerRequestRemapper(serverRequestIdMapper, config.timeouts.upstreamRequestMs, {
    rootsAskers: serverRequestState.rootsAskers,
  });
  const unclaimed = new UnclaimedServerMessages(serverRequests, serverRequestState.channel, logger);
  const core = new RouterCore({
    routingTable: watch,
    gate,
    upstreamSessions,
    endpoints,
    inFlight: new InFlightRoutedRequests(),
    serverRequests,
    eventStreams: new UpstreamEventStreams({ connectTimeoutMs: config.timeouts.upstreamConnectMs, lingerMs: 60_000, logger, onUnclaimed: unclaimed.accept }),
    cancellationFanOut: new CancellationFanOut({
      store: options.sessionStore,
      endpointOf: (serverName) => endpoints.endpoint(serverName, watch.current().server(serverName)?.url),
      protocolVersionOf: (upstreamSessionId) => upstreamSessions.protocolVersion(upstreamSessionId),
      timeoutMs: config.timeouts.upstreamConnectMs,
      logger,
    }),
    clientStreams: serverRequestState.channel,
    rootsListChanged: new RootsListChangedFanOut({
      askers: serverRequestState.rootsAskers,
      endpointOf: (serverName) => endpoints.endpoint(serverName, watch.current().server(serverName)?.url),
      protocolVersionOf: (upstreamSessionId) => upstreamSessions.protocolVersion(upstreamSessionId),
      timeoutMs: config.timeouts.upstreamConnectMs,
      logger,
    }),
    hostOriginPolicy: new HostOriginPolicy(config.security),
    maxRequestBodyBytes: config.limits.maxRequestBodyBytes,
    stateless: eraBridges.router,
    logger,
  });
  const broker = new BrokerProxy(options.brokerUrl);
  const face = new StandaloneHttpFace({
    core,
    broker,
    maxRequestBodyBytes: config.limits.maxRequestBodyBytes,
    upstreamRequestMs: config.timeouts.upstreamRequestMs,
    logger,
    metrics,
    eraBridges,
  });

  const storeReadiness = new SessionStoreReadiness({ store: options.sessionStore, logger });
  const isReady = (): boolean => watch.hasSnapshot() && storeReadiness.confirmed;
  watch.start();
  let server;
  let extProc: ExtProcServer | undefined;
  try {
    server = await startOpsServer({
      host: options.host ?? '127.0.0.1',
      port: options.port,
      readiness: isReady,
      registry,
      logger,
      extraRoutes: { '/mcp': face.handle },
    });
    if (options.extProcPort !== undefined) {
      // The Envoy face: same core, session store and id mapper as the HTTP face.
      extProc = await ExtProcServer.start({
        core,
        gate,
        metrics,
        extProcMetrics: new ExtProcMetrics(registry),
        logger,
        maxRequestBodyBytes: config.limits.maxRequestBodyBytes,
        host: options.host ?? '127.0.0.1',
        port: options.extProcPort,
        ...(options.extProcMessageBudgetMs === undefined ? {} : { messageBudgetMs: options.extProcMessageBudgetMs }),
      });
    }
  } catch (error) {
    await server?.close();
    storeReadiness.close();
    await eraBridges.close();
    await watch.close();
    broker.close();
    await serverRequestState.close();
    await ownMapper?.close();
    await endpoints.close();
    throw error;
  }
  const listener = server;

  let closing: Promise<void> | undefined;
  return {
    port: listener.port,
    extProcPort: extProc?.port,
    ready: isReady,
    reconfigure: (next) => endpoints.configure(next.servers),
    close: () => {
      closing ??= (async () => {
        await extProc?.close();
        await listener.close();
        storeReadiness.close();
        await core.close();
        await eraBridges.close();
        await watch.close();
        broker.close();
        await unclaimed.settled();
        await serverRequestState.close();
        await ownMapper?.close();
        await endpoints.close();
      })();
      return closing;
    },
  };
}
