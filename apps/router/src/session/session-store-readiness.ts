// Whether the session store has ever answered this router: part of readiness (issue 6,
// "Redis slow or unreachable at start-up: readiness reports not-ready, liveness stays up").
// A router whose store never answered could take traffic only to fail it, so it stays out
// of the load balancer until one ping succeeds; it keeps probing in the background (one
// ping at a time, every `intervalMs`), so /readyz itself never waits on Redis.
//
// Latched on purpose: once the store answered, a later outage does not make the router
// unready. During an outage every replica is equally unable to serve; taking them all out
// of the Service would turn the clear 503 "session store unavailable" (-32092) clients get
// from the router into an opaque "no healthy upstream" from the balancer, and delay
// recovery by a probe period after Redis is back.

import type { SessionStore } from '@mcp-gateway/session-store';
import type { Logger } from '@mcp-gateway/telemetry';

export interface SessionStoreReadinessOptions {
  readonly store: Pick<SessionStore, 'ping'>;
  /** Pause between failed probes (default 500 ms). */
  readonly intervalMs?: number;
  readonly logger: Logger;
}

export class SessionStoreReadiness {
  private answered = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;

  constructor(private readonly options: SessionStoreReadinessOptions) {
    void this.probe();
  }

  /** True once the store answered a ping. */
  get confirmed(): boolean {
    return this.answered;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async probe(): Promise<void> {
    try {
      await this.options.store.ping();
      this.answered = true;
      if (this.failures > 0) this.options.logger.info({ failedProbes: this.failures }, 'session store answered: router ready');
      return;
    } catch (error) {
      // Once, not per probe: the store's own connection logs its state changes.
      if (this.failures === 0) this.options.logger.warn({ err: error }, 'session store does not answer: router not ready until it does');
      this.failures += 1;
    }
    if (this.closed) return;
    this.timer = setTimeout(() => void this.probe(), this.options.intervalMs ?? 500);
    this.timer.unref();
  }
}
