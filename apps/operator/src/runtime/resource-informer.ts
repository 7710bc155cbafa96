// A shared, cluster-wide cache of one resource kind kept current by list + watch (client-node's
// ListWatch): 410 Expired leads to a fresh list, any other failure (connection refused while
// the API server restarts, 5xx) to a restart after an exponential backoff. Handlers hear
// every add, update and delete, plus every cached object again each resync period, so a
// missed event is repaired by the next resync rather than by polling the API server.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '@mcp-gateway/telemetry';
import { KubeApiError } from '../kube/kube-api-error';
import type { KubeClient } from '../kube/kube-client';
import { asKubeObject, type KubeObject } from '../kube/kube-object';
import { collectionPath, type KubeResource } from '../kube/kube-resource';

export type InformerEventType = 'add' | 'update' | 'delete' | 'resync';
export type InformerHandler = (type: InformerEventType, object: KubeObject) => void;

export interface ResourceInformerOptions {
  readonly resyncPeriodMs: number;
  readonly restartDelayMs?: { readonly initial: number; readonly max: number };
  readonly logger: Logger;
  /** Counted in the operator's metrics. */
  readonly onRestart?: () => void;
}

export class ResourceInformer {
  private readonly listWatch: k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>;
  private readonly handlers: InformerHandler[] = [];
  private stopped = true;
  private hasSynced = false;
  private failedDuringStart = false;
  private restartAttempts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly syncWaiters: Array<() => void> = [];

  constructor(
    private readonly client: KubeClient,
    readonly resource: KubeResource,
    private readonly options: ResourceInformerOptions,
  ) {
    this.listWatch = k8s.makeInformer(client.kubeconfig, collectionPath(resource), async () => {
      const list = await this.client.list(resource);
      return { metadata: { resourceVersion: list.resourceVersion }, items: list.items as k8s.KubernetesObject[] };
    });
    const emit = (type: InformerEventType) => (object: k8s.KubernetesObject) => {
      const plain = asKubeObject(object);
      for (const handler of this.handlers) handler(type, plain);
    };
    this.listWatch.on('add', emit('add'));
    this.listWatch.on('update', emit('update'));
    this.listWatch.on('delete', emit('delete'));
    this.listWatch.on('error', (error: unknown) => this.failed(error));
  }

  get synced(): boolean {
    return this.hasSynced;
  }

  onEvent(handler: InformerHandler): void {
    this.handlers.push(handler);
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    const object = this.listWatch.get(name, namespace);
    return object === undefined ? undefined : asKubeObject(object);
  }

  list(namespace?: string): KubeObject[] {
    return this.listWatch.list(namespace).map(asKubeObject);
  }

  /** Starts listing and watching; resolves once the cache holds a full list (retrying meanwhile). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
    this.resyncTimer = setInterval(() => this.resync(), this.options.resyncPeriodMs);
    this.resyncTimer.unref();
    if (!this.hasSynced) await new Promise<void>((resolve) => this.syncWaiters.push(resolve));
  }

  private async connect(): Promise<void> {
    this.failedDuringStart = false;
    await this.listWatch.start();
    if (this.failedDuringStart || this.stopped) return;
    // Listed and watching again: the next failure starts the backoff over.
    this.restartAttempts = 0;
    if (!this.hasSynced) {
      this.hasSynced = true;
      for (const waiter of this.syncWaiters.splice(0)) waiter();
    }
  }

  private failed(error: unknown): void {
    this.failedDuringStart = true;
    if (this.stopped) return;
    const delays = this.options.restartDelayMs ?? { initial: 100, max: 10_000 };
    const delay = Math.min(delays.initial * 2 ** this.restartAttempts, delays.max);
    this.restartAttempts += 1;
    const notServed = error instanceof KubeApiError && error.isNotFound;
    this.options.logger.warn(
      { resource: this.resource.plural, err: error instanceof Error ? error.message : String(error), retryInMs: delay },
      notServed ? 'resource not served by the API server (is its CRD installed?); retrying' : 'watch failed; restarting',
    );
    this.options.onRestart?.();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) void this.connect();
    }, delay);
    this.restartTimer.unref();
  }

  private resync(): void {
    for (const object of this.list()) for (const handler of this.handlers) handler('resync', object);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const waiter of this.syncWaiters.splice(0)) waiter();
    await this.listWatch.stop();
  }
}
