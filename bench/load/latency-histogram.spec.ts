import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LatencyHistogram } from './latency-histogram';

function exactPercentile(sorted: number[], fraction: number): number {
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1] ?? Number.NaN;
}

describe('LatencyHistogram', () => {
  it('reports percentiles within 0.5% of the exact sample percentiles', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 5_000, noNaN: true }), { minLength: 1, maxLength: 500 }), (samples) => {
        const histogram = new LatencyHistogram();
        for (const sample of samples) histogram.recordMs(sample);
        const sorted = [...samples].sort((a, b) => a - b);
        for (const fraction of [0.5, 0.9, 0.99]) {
          const exact = exactPercentile(sorted, fraction);
          expect(Math.abs(histogram.percentileMs(fraction) - exact) / exact).toBeLessThanOrEqual(0.0051);
        }
      }),
    );
  });

  it('keeps min, max and mean exact', () => {
    const histogram = new LatencyHistogram();
    for (const sample of [1, 2, 3, 10]) histogram.recordMs(sample);
    expect(histogram.summary()).toMatchObject({ count: 4, minMs: 1, maxMs: 10, meanMs: 4 });
  });

  it('answers NaN, not zero, when nothing was recorded', () => {
    expect(new LatencyHistogram().summary().p50Ms).toBeNaN();
  });
});
