// The router's Envoy face: a gRPC server for `envoy.service.ext_proc.v3.ExternalProcessor`
// on its own port, beside the HTTP face and over the same RouterCore. Envoy opens one
// bidirectional `Process` stream per HTTP request and waits for one answer per message it
// sends (external_processor.proto); this server answers them in order, one ExtProcExchange
// per stream.
//
// Envoy gives each message `message_timeout` (the operator sets 10 s; Envoy's default is
// 200 ms) and fails the request when it passes. The router therefore answers every message
// within its own budget, shorter than Envoy's timeout: when routing takes longer (an
// upstream slow to open a session, a slow session store) it answers a 504 with a JSON-RPC
// error itself rather than leaving the request to Envoy's generic failure. A stream that
// breaks releases what its request held. Never logs per message.

import * as grpc from '@grpc/grpc-js';
import { GatewayError } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import type { RouterMetrics } from '../metrics/router-metrics';
import type { RouterCore } from '../routing/router-core';
import type { SessionGate } from '../session/session-gate';
import { ExtProcExchange } from './ext-proc-exchange';
import type { ProcessingRequest, ProcessingResponse } from './ext-proc-messages';
import type { ExtProcMetrics } from './ext-proc-metrics';
import { loadExternalProcessorService } from './ext-proc-proto';
import { RecentRenewals } from './recent-renewals';

export interface ExtProcServerOptions {
  readonly core: RouterCore;
  readonly gate: SessionGate;
  readonly metrics: RouterMetrics;
  readonly extProcMetrics: ExtProcMetrics;
  readonly logger: Logger;
  readonly maxRequestBodyBytes: number;
  /** Default `/mcp`; other paths on the listener pass untouched. */
  readonly mcpPath?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Longest the router takes to answer one message; keep it below Envoy's
   * `message_timeout`. Default 9 000 ms (the operator configures Envoy with 10 s). */
  readonly messageBudgetMs?: number;
}

export const DEFAULT_MESSAGE_BUDGET_MS = 9_000;

/** Largest message accepted: a buffered body (a request up to the body limit, or a
 * resources/read answer the router rewrites) plus its envelope. */
const MAX_RESPONSE_BODY_BYTES = 64 * 1024 * 1024;

type ProcessStream = grpc.ServerDuplexStream<ProcessingRequest, ProcessingResponse>;

/** How often the one budget timer looks for late answers (the budget is seconds long). */
const BUDGET_SWEEP_MS = 25;

interface PendingAnswer {
  readonly dueAtMs: number;
  late(): void;
}

export class ExtProcServer {
  private readonly streams = new Set<ProcessStream>();
  /** Answers being worked on, checked by one coarse timer (no timer per message). */
  private readonly pending = new Set<PendingAnswer>();
  private readonly sweeper: NodeJS.Timeout;
  private boundPort = 0;

  private constructor(private readonly server: grpc.Server) {
    this.sweeper = setInterval(() => {
      if (this.pending.size === 0) return;
      const now = Date.now();
      for (const answer of this.pending) if (answer.dueAtMs <= now) answer.late();
    }, BUDGET_SWEEP_MS);
    this.sweeper.unref();
  }

  get port(): number {
    return this.boundPort;
  }

  static async start(options: ExtProcServerOptions): Promise<ExtProcServer> {
    const { service } = await loadExternalProcessorService();
    const server = new grpc.Server({
      'grpc.max_receive_message_length': Math.max(options.maxRequestBodyBytes, MAX_RESPONSE_BODY_BYTES) + 1024 * 1024,
    });
    const renewals = new RecentRenewals();
    const budgetMs = options.messageBudgetMs ?? DEFAULT_MESSAGE_BUDGET_MS;
    const instance = new ExtProcServer(server);
    server.addService(service, {
      Process: (stream: ProcessStream) => instance.serve(stream, options, renewals, budgetMs),
    });
    instance.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${options.host ?? '127.0.0.1'}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error) reject(error);
        else resolve(bound);
      });
    });
    return instance;
  }

  private serve(stream: ProcessStream, options: ExtProcServerOptions, renewals: RecentRenewals, budgetMs: number): void {
    const { extProcMetrics, logger } = options;
    const exchange = new ExtProcExchange({
      core: options.core,
      gate: options.gate,
      metrics: options.metrics,
      renewals,
      maxRequestBodyBytes: options.maxRequestBodyBytes,
      mcpPath: options.mcpPath ?? '/mcp',
    });
    this.streams.add(stream);
    extProcMetrics.streamOpened();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.streams.delete(stream);
      extProcMetrics.streamClosed();
      exchange.finish();
    };
    // Answers leave in the order the messages came, each as soon as it is ready.
    let queue: Promise<void> = Promise.resolve();
    stream.on('data', (message: ProcessingRequest) => {
      extProcMetrics.message(message.request);
      queue = queue.then(async () => {
        // After an immediate response Envoy sends nothing more; an observer expects nothing.
        if (exchange.done || message.observability_mode || ended) return;
        const answer = await this.answerWithin(exchange, message, budgetMs, options);
        if (!ended) stream.write(answer);
      });
    });
    stream.on('end', () => {
      void queue.then(() => {
        end();
        stream.end();
      });
    });
    stream.on('error', (error: unknown) => {
      logger.debug({ err: error }, 'ext_proc stream ended with an error');
      end();
    });
    stream.on('cancelled', end);
  }

  private answerWithin(exchange: ExtProcExchange, message: ProcessingRequest, budgetMs: number, options: ExtProcServerOptions): Promise<ProcessingResponse> {
    return new Promise((resolve) => {
      let settled = false;
      const entry: PendingAnswer = {
        dueAtMs: Date.now() + budgetMs,
        late: () => {
          this.pending.delete(entry);
          if (settled) return;
          settled = true;
          options.extProcMetrics.lateAnswer();
          resolve(exchange.failure(new GatewayError('UPSTREAM_TIMEOUT', `the gateway could not route the request within ${budgetMs} ms`)));
        },
      };
      this.pending.add(entry);
      exchange.handle(message).then(
        (answer) => {
          this.pending.delete(entry);
          if (settled) return;
          settled = true;
          resolve(answer);
        },
        (error: unknown) => {
          this.pending.delete(entry);
          if (settled) return;
          settled = true;
          resolve(exchange.failure(error));
        },
      );
    });
  }

  /** Stops accepting streams; streams still open are cancelled after `graceMs`. */
  async close(graceMs = 2_000): Promise<void> {
    clearInterval(this.sweeper);
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      force.unref();
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    this.streams.clear();
  }
}
