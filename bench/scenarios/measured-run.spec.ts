import { describe, expect, it } from '@jest/globals';
import { LatencyHistogram } from '../load/latency-histogram';
import type { ClosedLoopResult } from '../load/load-job';
import { combineRounds, measuredRunFrom } from './measured-run';

function round(requests: number, latencyMs: number, cpuSeconds: number, peakRssBytes: number): ClosedLoopResult {
  const histogram = new LatencyHistogram();
  for (let i = 0; i < requests; i++) histogram.recordMs(latencyMs);
  return {
    kind: 'closed-loop',
    sessions: 16,
    sessionOpenErrors: 0,
    requests,
    errors: 1,
    errorSamples: ['1× HTTP 503'],
    durationMs: 1_000,
    requestsPerSecond: requests,
    latency: histogram.summary(),
    histogram: histogram.snapshot(),
    processes: [
      { role: 'router', pid: 10, cpuSeconds, peakRssBytes, rssBytes: peakRssBytes },
      { role: 'upstream', pid: 11, cpuSeconds: 0.5, peakRssBytes: 1, rssBytes: 1 },
    ],
    loadGeneratorCpuSeconds: 0.1,
  };
}

describe('combineRounds', () => {
  it('adds counts and CPU, merges latency and keeps the highest memory peak', () => {
    const combined = combineRounds([round(300, 1, 0.4, 100), round(100, 3, 0.2, 300)]);
    expect(combined).toMatchObject({ requests: 400, errors: 2, durationMs: 2_000, requestsPerSecond: 200 });
    expect(combined.latency.p50Ms).toBeCloseTo(1, 1);
    expect(combined.latency.p90Ms).toBeCloseTo(3, 1);
    expect(combined.errorSamples).toEqual(['1× HTTP 503']);
    const run = measuredRunFrom(combined);
    expect(run.underTest?.cpuSeconds).toBeCloseTo(0.6);
    expect(run.underTest?.peakRssBytes).toBe(300);
    expect(run.upstreamCpuSeconds).toBeCloseTo(1);
    expect(run.underTest?.cpuMicrosPerRequest).toBeCloseTo(1_500);
  });

  it('counts no process as under test when only the upstream was watched (direct)', () => {
    const direct = round(10, 1, 0, 0);
    expect(measuredRunFrom({ ...direct, processes: direct.processes.filter((usage) => usage.role === 'upstream') }).underTest).toBeUndefined();
  });
});
