// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package
// does it: a candidate takes the Lease when it is free or its holder has not renewed it for
// leaseDuration (measured on the candidate's own clock from when it last saw the record
// change, so clock skew between replicas does not matter); the leader renews every
// retryPeriod and gives up when it could not renew for renewDeadline. Every write is an
// optimistic update (resourceVersion), so two candidates never both win. On stop the leader
// releases the Lease so a standby takes over at once instead of after leaseDuration.
import type { Logger } from '@mcp-gateway/telemetry';
import { KubeApiError } from '../kube/kube-api-error';
import type { KubeClient } from '../kube/kube-client';
import type { KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';

export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly leaseName: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly logger: Logger;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private observed: { record: string; at: number } | undefined;
  private lastRenewal = 0;
  private done: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: LeaderElectionOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Runs until stop(): campaigns, leads, renews. */
  start(): void {
    this.done = this.loop();
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
    this.wake = undefined;
  }

  private async loop(): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs, logger } = this.options;
    while (!this.stopped) {
      let held = false;
      try {
        held = await this.tryAcquireOrRenew();
      } catch (error) {
        logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'lease update failed');
      }
      if (this.stopped) break;
      if (held) {
        this.lastRenewal = Date.now();
        if (!this.leading) {
          this.leading = true;
          logger.info({ lease: `${this.options.namespace}/${this.options.leaseName}`, identity: this.options.identity }, 'became leader');
          this.options.onStartedLeading();
        }
      } else if (this.leading && Date.now() - this.lastRenewal > renewDeadlineMs) {
        this.leading = false;
        logger.warn({ identity: this.options.identity }, 'lost leadership: could not renew the lease in time');
        this.options.onStoppedLeading();
      }
      await this.sleep(retryPeriodMs);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, leaseName, identity, leaseDurationMs } = this.options;
    const now = new Date();
    const lease = await client.get(Resources.Lease, namespace, leaseName);
    const desired: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000), renewTime: microTime(now) };
    if (lease === undefined) {
      await client.create(Resources.Lease, { metadata: { name: leaseName, namespace }, spec: { ...desired, acquireTime: microTime(now), leaseTransitions: 0 } });
      this.observed = { record: JSON.stringify(desired), at: Date.now() };
      return true;
    }
    const spec = (lease['spec'] ?? {}) as LeaseSpec;
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
    const holder = spec.holderIdentity ?? '';
    const heldByOther = holder !== '' && holder !== identity;
    const expiresAt = this.observed.at + (spec.leaseDurationSeconds ?? 0) * 1000;
    if (heldByOther && Date.now() < expiresAt) return false;
    const next: KubeObject = {
      ...lease,
      spec: {
        ...spec,
        ...desired,
        acquireTime: holder === identity ? spec.acquireTime : microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1),
      },
    };
    try {
      await client.replace(Resources.Lease, next);
    } catch (error) {
      if (error instanceof KubeApiError && error.isConflict) return false;
      throw error;
    }
    this.observed = { record: JSON.stringify([identity, (next['spec'] as LeaseSpec).renewTime, desired.leaseDurationSeconds]), at: Date.now() };
    return true;
  }

  /** Stops campaigning; a leader hands the Lease back so a standby can take it at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.done;
    if (!this.leading) return;
    this.leading = false;
    const { client, namespace, leaseName, identity, logger } = this.options;
    try {
      const lease = await client.get(Resources.Lease, namespace, leaseName);
      const spec = (lease?.['spec'] ?? {}) as LeaseSpec;
      if (lease && spec.holderIdentity === identity) {
        await client.replace(Resources.Lease, { ...lease, spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() } });
        logger.info({ identity }, 'released leadership');
      }
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not release the lease');
    }
  }
}
