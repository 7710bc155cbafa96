// Exponential backoff for reconnecting to a failed upstream: initial, 2×, 4×, … capped at
// the maximum, each delay shortened by up to 20% at random so that many brokers (or many
// upstreams of one broker) that failed together do not retry in lockstep.

export interface ReconnectBackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Fraction of each delay that may be taken off at random (0 = exact). Default 0.2. */
  readonly jitter?: number;
  readonly random?: () => number;
}

export class ReconnectBackoff {
  private failures = 0;

  constructor(private readonly options: ReconnectBackoffOptions) {}

  /** The delay before the next attempt; each call counts one more failure. */
  nextDelayMs(): number {
    const { initialDelayMs, maxDelayMs } = this.options;
    const exponent = Math.min(this.failures, 30); // 2^30 × any sane initial delay is past any max
    this.failures++;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** exponent);
    const jitter = this.options.jitter ?? 0.2;
    const random = this.options.random ?? Math.random;
    return Math.max(0, Math.round(base * (1 - jitter * random())));
  }

  /** After a successful connection the next failure starts from the initial delay again. */
  reset(): void {
    this.failures = 0;
  }
}
