// Keeps the router's RoutingTable current by watching the broker's
// RoutingTableService.Watch stream (protos/mcpgateway/v1/routing.proto). The broker sends
// the current snapshot at once and one per change. When the stream ends or fails the
// watch reconnects with exponential backoff and keeps serving the last table, so routing
// continues while the broker is away (CORE.md: "keeps the last snapshot"). It never
// blocks a request: readers take `current()` synchronously.

import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@mcp-gateway/telemetry';
import { loadRoutingTableService } from './routing-proto';
import { RoutingTable } from './routing-table';
import { readRoutingTableSnapshot } from './routing-table-snapshot-schema';

/** The generated client's one method (proto-loader builds it at run time). */
interface RoutingTableServiceClient extends grpc.Client {
  watch(request: { routerId: string }): grpc.ClientReadableStream<unknown>;
}

/** What the routing core reads: the table in force right now. */
export interface RoutingTableSource {
  current(): RoutingTable;
}

export interface RoutingTableWatchOptions {
  /** host:port of the broker's gRPC server. */
  readonly address: string;
  /** Free-form identity shown in the broker's logs. */
  readonly routerId: string;
  readonly reconnect: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly logger: Logger;
  /** Called after each accepted snapshot (metrics, tests). */
  readonly onTable?: (table: RoutingTable) => void;
}

export class RoutingTableWatch implements RoutingTableSource {
  private table = RoutingTable.empty();
  private snapshotReceived = false;
  private readonly client: RoutingTableServiceClient;
  private call: grpc.ClientReadableStream<unknown> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private closed = false;
  private connectedOnce = false;

  constructor(private readonly options: RoutingTableWatchOptions) {
    const { Client } = loadRoutingTableService();
    this.client = new (Client as unknown as new (...args: ConstructorParameters<typeof grpc.Client>) => RoutingTableServiceClient)(options.address, grpc.credentials.createInsecure(), {
      // Detect a broker that vanished without closing the connection.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.initial_reconnect_backoff_ms': options.reconnect.initialDelayMs,
      'grpc.max_reconnect_backoff_ms': options.reconnect.maxDelayMs,
    });
  }

  current(): RoutingTable {
    return this.table;
  }

  /** True once any snapshot arrived (readiness: stays true while the broker is away). */
  hasSnapshot(): boolean {
    return this.snapshotReceived;
  }

  start(): void {
    if (this.closed || this.call) return;
    this.openStream();
  }

  private openStream(): void {
    this.reconnectTimer = undefined;
    // The first snapshot of every stream is accepted whatever its version: a restarted
    // broker counts from 1 again, and its current state is the truth.
    let firstOnThisStream = true;
    let finished = false;
    const call = this.client.watch({ routerId: this.options.routerId });
    this.call = call;
    call.on('data', (decoded: unknown) => {
      let snapshot;
      try {
        snapshot = readRoutingTableSnapshot(decoded);
      } catch (error) {
        this.options.logger.error({ err: error }, 'routing table snapshot refused');
        return;
      }
      if (!firstOnThisStream && snapshot.version <= this.table.version) return;
      firstOnThisStream = false;
      this.failedAttempts = 0;
      this.table = RoutingTable.fromSnapshot(snapshot);
      this.snapshotReceived = true;
      if (!this.connectedOnce) {
        this.connectedOnce = true;
        this.options.logger.info({ version: String(snapshot.version), broker: this.options.address }, 'routing table received');
      } else {
        this.options.logger.debug({ version: String(snapshot.version) }, 'routing table updated');
      }
      this.options.onTable?.(this.table);
    });
    const finish = (reason: string) => {
      if (finished) return;
      finished = true;
      if (this.call === call) this.call = undefined;
      if (this.closed) return;
      this.scheduleReconnect(reason);
    };
    call.on('error', (error: grpc.ServiceError) => finish(error.details || error.message));
    call.on('end', () => finish('stream ended'));
  }

  private scheduleReconnect(reason: string): void {
    const { initialDelayMs, maxDelayMs } = this.options.reconnect;
    const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.failedAttempts, 30));
    // Full jitter on the upper half keeps many routers from reconnecting in lockstep.
    const delayMs = Math.round(exponential / 2 + (Math.random() * exponential) / 2);
    this.failedAttempts += 1;
    const log = this.failedAttempts === 1 ? 'warn' : 'debug';
    this.options.logger[log](
      { broker: this.options.address, reason, retryInMs: delayMs, keptVersion: String(this.table.version) },
      'routing table watch lost; keeping the last table',
    );
    this.reconnectTimer = setTimeout(() => this.openStream(), delayMs);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.call?.cancel();
    this.call = undefined;
    this.client.close();
  }
}
