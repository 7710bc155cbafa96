// The operator's Prometheus metrics, per controller (kind): reconcile counts by result,
// durations, errors, queue depth; whether this replica leads; informer restarts.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@mcp-gateway/telemetry';

export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'terminal_error';

export class ControllerMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly queueDepth: Gauge<'controller'>;
  readonly leader: Gauge;
  readonly informerRestarts: Counter<'resource'>;

  constructor(registry: Registry) {
    const prefix = `${METRIC_PREFIX}operator_`;
    this.reconcileTotal = new Counter({ name: `${prefix}reconcile_total`, help: 'Reconciles by controller and result (success, requeue, error, terminal_error).', labelNames: ['controller', 'result'], registers: [registry] });
    this.reconcileErrors = new Counter({ name: `${prefix}reconcile_errors_total`, help: 'Reconciles that failed, by controller.', labelNames: ['controller'], registers: [registry] });
    this.reconcileDuration = new Histogram({
      name: `${prefix}reconcile_duration_seconds`,
      help: 'Time spent in one reconcile, by controller.',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.queueDepth = new Gauge({ name: `${prefix}workqueue_depth`, help: 'Keys waiting in the work queue, by controller.', labelNames: ['controller'], registers: [registry] });
    this.leader = new Gauge({ name: `${prefix}leader`, help: '1 while this replica holds the leader Lease.', registers: [registry] });
    this.informerRestarts = new Counter({ name: `${prefix}informer_restarts_total`, help: 'Informer list/watch restarts after an error, by resource.', labelNames: ['resource'], registers: [registry] });
  }
}
