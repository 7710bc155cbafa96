// Turns a closed-loop result from the load generator into a report row: splits the watched
// processes into the ones under test (proxy, router, broker) and the upstream.
import type { ClosedLoopResult } from '../load/load-job';
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
