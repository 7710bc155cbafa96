// The stateless era's parts of one router, built from the configuration and closed as one:
// the exchange store (Redis when replicas share one, else memory), the pooled upstream
// sessions for stateless clients, both era bridges, and the StatelessRouter that RouterCore
// consults. `run` is what the standalone HTTP face calls for a decision with a bridge plan.
import type { ServerResponse } from 'node:http';
import type { GatewayConfig } from '@mcp-gateway/config';
import type { Logger } from '@mcp-gateway/telemetry';
import type { UpstreamForward } from '../routing/route-decision';
import type { RoutingTableSource } from '../routing/routing-table-watch';
import type { SessionGate } from '../session/session-gate';
import type { UpstreamEndpoints } from '../upstream/upstream-endpoints';
import type { UpstreamSessionOpener } from '../upstream/upstream-session-opener';
import { InMemoryInputExchangeStore } from './in-memory-input-exchange-store';
import type { InputExchangeStore } from './input-exchange-store';
import { PooledUpstreamSessions } from './pooled-upstream-sessions';
import { RedisInputExchangeStore } from './redis-input-exchange-store';
import { SessionUpstreamBridge } from './session-upstream-bridge';
import { StatelessRouter } from './stateless-router';
import { StatelessUpstreamBridge } from './stateless-upstream-bridge';

export interface EraBridgesOptions {
  readonly config: GatewayConfig;
  readonly routingTable: RoutingTableSource;
  readonly endpoints: UpstreamEndpoints;
  readonly gate: SessionGate;
  readonly opener: UpstreamSessionOpener;
  readonly logger: Logger;
  /** Default: Redis at `sessionStore.url` when set, else memory (owned and closed here). */
  readonly store?: InputExchangeStore;
  readonly onUpstreamSessionOpened?: (serverName: string) => void;
}

export class EraBridges {
  readonly router: StatelessRouter;
  private readonly store: InputExchangeStore;
  private readonly ownsStore: boolean;
  private readonly pooled: PooledUpstreamSessions;
  private readonly sessionUpstreams: SessionUpstreamBridge;
  private readonly statelessUpstreams: StatelessUpstreamBridge;

  constructor(private readonly options: EraBridgesOptions) {
    const { config, logger } = options;
    this.ownsStore = options.store === undefined;
    this.store =
      options.store ??
      (config.sessionStore.url
        ? RedisInputExchangeStore.fromUrl(config.sessionStore.url, { keyPrefix: config.sessionStore.keyPrefix, logger })
        : new InMemoryInputExchangeStore());
    this.pooled = new PooledUpstreamSessions({
      opener: options.opener,
      clientInfo: { name: 'mcp-gateway', version: '0.1.0' },
      ...(options.onUpstreamSessionOpened ? { onOpened: options.onUpstreamSessionOpened } : {}),
    });
    this.sessionUpstreams = new SessionUpstreamBridge({
      store: this.store,
      pooled: this.pooled,
      exchangeTtlMs: config.timeouts.upstreamRequestMs,
      connectTimeoutMs: config.timeouts.upstreamConnectMs,
      logger,
    });
    this.statelessUpstreams = new StatelessUpstreamBridge({ store: this.store, callTimeoutMs: config.timeouts.upstreamRequestMs, logger });
    this.router = new StatelessRouter({
      routingTable: options.routingTable,
      endpoints: options.endpoints,
      gate: options.gate,
      pooled: this.pooled,
      sessionUpstreams: this.sessionUpstreams,
      statelessUpstreams: this.statelessUpstreams,
    });
  }

  /** Carries out a routed call whose decision has a bridge plan. */
  run(res: ServerResponse, call: UpstreamForward): Promise<void> {
    const plan = call.eraBridge;
    if (plan?.flow === 'stateless-client') return this.sessionUpstreams.run(res, call, plan);
    if (plan?.flow === 'session-client') return this.statelessUpstreams.run(res, call, plan);
    return Promise.reject(new Error('a routed call without a bridge plan reached the era bridges'));
  }

  /** Cuts parked calls, ends pooled upstream sessions, closes the store if owned. */
  async close(): Promise<void> {
    this.sessionUpstreams.close();
    await this.pooled.closeAll();
    if (this.ownsStore) await this.store.close();
  }
}
