// Runs one reconciler: informer events are mapped to keys, keys go through a work queue, and
// a worker reconciles one key at a time (never the same key twice at once). Each run gets a
// reconcile id in its logger; its outcome and duration land in the metrics. A failed run is
// retried with per-key exponential backoff (409 Conflict included: the next run reads the
// fresh object); a TerminalReconcileError is counted and not retried.
import { randomBytes } from 'node:crypto';
import type { Logger } from '@mcp-gateway/telemetry';
import { KubeApiError } from '../kube/kube-api-error';
import type { KubeObject } from '../kube/kube-object';
import type { ControllerMetrics, ReconcileOutcome } from './controller-metrics';
import { TerminalReconcileError, requestFromKey, type Reconciler } from './reconciler';
import type { ResourceInformer } from './resource-informer';
import { WorkQueue, type WorkQueueBackoff } from './work-queue';

export interface ControllerOptions {
  /** The kind it reconciles, used in logs and metric labels. */
  readonly name: string;
  readonly reconciler: Reconciler;
  readonly logger: Logger;
  readonly metrics: ControllerMetrics;
  readonly backoff?: WorkQueueBackoff;
  /** Keys to reconcile when the controller starts (every object of its kind). */
  readonly initialKeys: () => string[];
}

export class Controller {
  private readonly queue: WorkQueue;
  private worker: Promise<void> | undefined;
  private running = false;

  constructor(private readonly options: ControllerOptions) {
    this.queue = new WorkQueue(options.backoff);
  }

  get name(): string {
    return this.options.name;
  }

  enqueue(key: string): void {
    this.queue.add(key);
    this.options.metrics.queueDepth.set({ controller: this.options.name }, this.queue.length);
  }

  /** Enqueues the keys `map` derives from every event of `informer`. */
  watch(informer: ResourceInformer, map: (object: KubeObject) => readonly string[]): void {
    informer.onEvent((_type, object) => {
      for (const key of map(object)) this.enqueue(key);
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const key of this.options.initialKeys()) this.enqueue(key);
    this.worker = this.work();
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileOnce(key);
      } finally {
        this.queue.done(key);
        this.options.metrics.queueDepth.set({ controller: this.options.name }, this.queue.length);
      }
    }
  }

  private async reconcileOnce(key: string): Promise<void> {
    const { name, reconciler, metrics } = this.options;
    const reconcileId = randomBytes(6).toString('hex');
    const logger = this.options.logger.child({ controller: name, key, reconcileID: reconcileId });
    const stopTimer = metrics.reconcileDuration.startTimer({ controller: name });
    let outcome: ReconcileOutcome = 'success';
    try {
      const result = await reconciler.reconcile(requestFromKey(key), { logger, reconcileId });
      this.queue.forget(key);
      if (result?.requeueAfterMs !== undefined) {
        outcome = 'requeue';
        this.queue.addAfter(key, result.requeueAfterMs);
      }
    } catch (error) {
      metrics.reconcileErrors.inc({ controller: name });
      if (error instanceof TerminalReconcileError) {
        outcome = 'terminal_error';
        this.queue.forget(key);
        logger.error({ err: error.message }, 'reconcile failed; not retrying until the object changes');
      } else {
        outcome = 'error';
        const delay = this.queue.addRateLimited(key);
        const level = error instanceof KubeApiError && error.isConflict ? 'debug' : 'warn';
        logger[level]({ err: error instanceof Error ? error.message : String(error), retryInMs: delay }, 'reconcile failed; retrying');
      }
    } finally {
      stopTimer();
      metrics.reconcileTotal.inc({ controller: name, result: outcome });
    }
  }

  /** Stops taking keys and waits for the run in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.queue.shutdown();
    await this.worker;
  }
}
