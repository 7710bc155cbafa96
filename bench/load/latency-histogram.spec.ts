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

describe('LatencyHistogram snapshots', () => {
  it('merging the snapshots of two halves gives the histogram of the whole', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 5_000, noNaN: true }), { maxLength: 200 }), fc.array(fc.double({ min: 0.01, max: 5_000, noNaN: true }), { maxLength: 200 }), (left, right) => {
        const whole = new LatencyHistogram();
        const leftHalf = new LatencyHistogram();
        const rightHalf = new LatencyHistogram();
        for (const sample of left) {
          whole.recordMs(sample);
          leftHalf.recordMs(sample);
        }
        for (const sample of right) {
          whole.recordMs(sample);
          rightHalf.recordMs(sample);
        }
        const merged = new LatencyHistogram();
        // Through JSON, as the snapshots travel between processes.
        merged.merge(JSON.parse(JSON.stringify(leftHalf.snapshot())));
        merged.merge(JSON.parse(JSON.stringify(rightHalf.snapshot())));
        const expected = whole.summary();
        const actual = merged.summary();
        expect(actual.count).toBe(expected.count);
        for (const key of ['p50Ms', 'p90Ms', 'p99Ms', 'minMs', 'maxMs'] as const) {
          if (Number.isNaN(expected[key])) expect(actual[key]).toBeNaN();
          else expect(actual[key]).toBeCloseTo(expected[key], 9);
        }
      }),
    );
  });
});
