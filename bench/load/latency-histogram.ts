// Latency distribution with bounded memory: log-spaced buckets 0.5% wide from 1 µs to
// 100 s, so a percentile is exact to within 0.5% whatever the run length. Min, max and
// mean are exact.

const MIN_MICROS = 1;
const MAX_MICROS = 100_000_000;
const GROWTH = 1.005;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(MAX_MICROS / MIN_MICROS) / LOG_GROWTH) + 1;

export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** A histogram as plain JSON (non-empty buckets only), to cross a process boundary and be
 * merged with others. */
export interface HistogramSnapshot {
  readonly buckets: ReadonlyArray<readonly [index: number, count: number]>;
  readonly sumMicros: number;
  readonly minMicros: number;
  readonly maxMicros: number;
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private sumMicros = 0;
  private minMicros = Number.POSITIVE_INFINITY;
  private maxMicros = 0;

  recordMs(latencyMs: number): void {
    const micros = Math.min(Math.max(latencyMs * 1000, MIN_MICROS), MAX_MICROS);
    const index = Math.floor(Math.log(micros / MIN_MICROS) / LOG_GROWTH);
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total++;
    this.sumMicros += micros;
    if (micros < this.minMicros) this.minMicros = micros;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  /** Adds every sample of `snapshot` (another run's histogram) to this one. */
  merge(snapshot: HistogramSnapshot): void {
    // An empty snapshot's min and max mean nothing.
    if (snapshot.buckets.length === 0) return;
    for (const [index, count] of snapshot.buckets) {
      if (index < 0 || index >= BUCKETS || count <= 0) continue;
      this.counts[index] = (this.counts[index] ?? 0) + count;
      this.total += count;
    }
    this.sumMicros += snapshot.sumMicros;
    if (snapshot.minMicros < this.minMicros) this.minMicros = snapshot.minMicros;
    if (snapshot.maxMicros > this.maxMicros) this.maxMicros = snapshot.maxMicros;
  }

  snapshot(): HistogramSnapshot {
    const buckets: Array<[number, number]> = [];
    this.counts.forEach((count, index) => {
      if (count > 0) buckets.push([index, count]);
    });
    return { buckets, sumMicros: this.sumMicros, minMicros: this.total === 0 ? 0 : this.minMicros, maxMicros: this.maxMicros };
  }

  get count(): number {
    return this.total;
  }

  /** The latency below which `fraction` (0..1) of the samples fall, in ms. */
  percentileMs(fraction: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) {
        // Geometric middle of the bucket, clamped to what was actually observed.
        const middle = MIN_MICROS * Math.pow(GROWTH, i + 0.5);
        return Math.min(Math.max(middle, this.minMicros), this.maxMicros) / 1000;
      }
    }
    return this.maxMicros / 1000;
  }

  summary(): LatencySummary {
    const empty = this.total === 0;
    return {
      count: this.total,
      minMs: empty ? Number.NaN : this.minMicros / 1000,
      meanMs: empty ? Number.NaN : this.sumMicros / this.total / 1000,
      p50Ms: this.percentileMs(0.5),
      p90Ms: this.percentileMs(0.9),
      p99Ms: this.percentileMs(0.99),
      maxMs: empty ? Number.NaN : this.maxMicros / 1000,
    };
  }
}
