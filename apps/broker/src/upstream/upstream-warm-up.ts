// The broker's first connection round: from start until every enabled upstream has
// finished its first connection attempt (connected and listed, or failed), the catalog is
// still filling up. A broker that served it then — a restarted replica behind a Service,
// say — would hand clients partial lists and hand routers a routing table without those
// upstreams' tools, so their calls would fail as "Unknown tool" until the next snapshot.
// So until the round is over the broker reports not-ready and publishes no routing table
// (routers keep the table they had; a new router waits). Bounded: an upstream whose first
// attempt hangs cannot hold the broker back longer than `maxWaitMs`. Settles once only;
// upstreams failing later never make the broker unready (their entries just leave).

export interface UpstreamWarmUpOptions {
  /** Longest the first round may take (the connect timeout plus a margin). */
  readonly maxWaitMs: number;
  /** Called once, when the round is over (or `maxWaitMs` passed). */
  readonly onSettled: () => void;
}

export interface UpstreamAttemptState {
  readonly state: string;
}

export class UpstreamWarmUp {
  private done = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: UpstreamWarmUpOptions) {
    this.timer = setTimeout(() => this.settle(), options.maxWaitMs);
    this.timer.unref();
  }

  get settled(): boolean {
    return this.done;
  }

  /** Call whenever an upstream changed state: settles when none is on its first attempt. */
  check(upstreams: readonly UpstreamAttemptState[]): void {
    if (!this.done && !upstreams.some((upstream) => upstream.state === 'connecting')) this.settle();
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private settle(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.options.onSettled();
  }
}
