// Turns a closed-loop result from the load generator into a report row: splits the watched
// processes into the ones under test (proxy, router, broker) and the upstream.
import { LatencyHistogram } from '../load/latency-histogram';
import type { ClosedLoopResult, ProcessUsage } from '../load/load-job';
import type { MeasuredRun } from './scenario-results';

export const UPSTREAM_ROLE = 'upstream';

export function measuredRunFrom(result: ClosedLoopResult): MeasuredRun {
  const underTest = result.processes.filter((usage) => usage.role !== UPSTREAM_ROLE);
  const upstream = result.processes.filter((usage) => usage.role === UPSTREAM_ROLE);
  const cpuSeconds = underTest.reduce((total, usage) => total + usage.cpuSeconds, 0);
  return {
    sessions: result.sessions,
    requests: result.requests,
    requestsPerSecond: result.requestsPerSecond,
    latency: result.latency,
    errors: result.errors,
    sessionOpenErrors: result.sessionOpenErrors,
    errorSamples: result.errorSamples,
    durationMs: result.durationMs,
    underTest:
      underTest.length === 0
        ? undefined
        : {
            cpuSeconds,
            cpuMicrosPerRequest: result.requests > 0 ? (cpuSeconds / result.requests) * 1e6 : Number.NaN,
            peakRssBytes: underTest.reduce((total, usage) => total + usage.peakRssBytes, 0),
          },
    upstreamCpuSeconds: upstream.reduce((total, usage) => total + usage.cpuSeconds, 0),
    loadGeneratorCpuSeconds: result.loadGeneratorCpuSeconds,
    processes: result.processes,
  };
}

/** One result from several rounds of the same run (same target, same sessions): counts and
 * CPU add up, latency histograms merge, peak memory is the highest peak. */
export function combineRounds(rounds: readonly ClosedLoopResult[]): ClosedLoopResult {
  const [first] = rounds;
  if (first === undefined) throw new RangeError('combineRounds needs at least one round');
  if (rounds.length === 1) return first;
  const histogram = new LatencyHistogram();
  const processes = new Map<string, ProcessUsage>();
  let requests = 0;
  let durationMs = 0;
  for (const round of rounds) {
    histogram.merge(round.histogram);
    requests += round.requests;
    durationMs += round.durationMs;
    for (const usage of round.processes) {
      const key = `${usage.role}:${usage.pid}`;
      const seen = processes.get(key);
      processes.set(
        key,
        seen === undefined
          ? usage
          : { ...usage, cpuSeconds: seen.cpuSeconds + usage.cpuSeconds, peakRssBytes: Math.max(seen.peakRssBytes, usage.peakRssBytes) },
      );
    }
  }
  const total = (pick: (round: ClosedLoopResult) => number): number => rounds.reduce((sum, round) => sum + pick(round), 0);
  return {
    kind: 'closed-loop',
    sessions: Math.max(...rounds.map((round) => round.sessions)),
    sessionOpenErrors: total((round) => round.sessionOpenErrors),
    requests,
    errors: total((round) => round.errors),
    errorSamples: [...new Set(rounds.flatMap((round) => round.errorSamples))].slice(0, 5),
    durationMs,
    requestsPerSecond: durationMs > 0 ? (requests / durationMs) * 1000 : Number.NaN,
    latency: histogram.summary(),
    histogram: histogram.snapshot(),
    processes: [...processes.values()],
    loadGeneratorCpuSeconds: total((round) => round.loadGeneratorCpuSeconds),
  };
}
