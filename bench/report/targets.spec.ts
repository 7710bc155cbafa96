import { describe, expect, it } from '@jest/globals';
import { parseBenchOptions } from '../bench-options';
import type { CallRun, CallTargetKind, ScenarioResults } from '../scenarios/scenario-results';
import { CALL_TARGET_SCENARIO, emptyScenarioResults } from '../scenarios/scenario-results';
import { buildBenchReport } from './bench-report';
import type { MachineInfo } from './machine-info';

const machine: MachineInfo = { cpus: 2, cpuModel: 'test', nodeVersion: 'v20', os: 'test', totalMemoryBytes: 1, loadAverageAtStart: 0 };

function callRun(target: CallTargetKind, sessions: number, requestsPerSecond: number, p50Ms: number): CallRun {
  return {
    scenario: CALL_TARGET_SCENARIO[target],
    target,
    sessions,
    requests: requestsPerSecond,
    requestsPerSecond,
    latency: { count: requestsPerSecond, minMs: p50Ms, meanMs: p50Ms, p50Ms, p90Ms: p50Ms, p99Ms: p50Ms, maxMs: p50Ms },
    errors: 0,
    sessionOpenErrors: 0,
    errorSamples: [],
    durationMs: 1000,
    underTest: undefined,
    upstreamCpuSeconds: 0,
    loadGeneratorCpuSeconds: 0,
    processes: [],
  };
}

function verdicts(results: ScenarioResults): Record<string, string> {
  const report = buildBenchReport(results, parseBenchOptions(['--quick']), machine, new Date(0));
  return Object.fromEntries(report.targets.map((target) => [target.id, target.status]));
}

describe('target verdicts', () => {
  it('passes the in-memory throughput target at 75% of the plain proxy and misses it below', () => {
    const results = emptyScenarioResults();
    results.calls.push(
      callRun('direct', 16, 10_000, 1),
      callRun('plain-proxy', 16, 4_000, 2),
      callRun('gateway-memory', 16, 3_000, 3),
      callRun('direct', 64, 10_000, 1),
      callRun('plain-proxy', 64, 4_000, 2),
      callRun('gateway-memory', 64, 2_999, 3),
    );
    expect(verdicts(results)).toMatchObject({ 'throughput-gateway-memory-16': 'PASS', 'throughput-gateway-memory-64': 'MISS' });
  });

  it('judges added latency at 1 session against twice the plain proxy’s', () => {
    const results = emptyScenarioResults();
    results.calls.push(callRun('direct', 1, 5_000, 0.1), callRun('plain-proxy', 1, 3_000, 0.3), callRun('gateway-memory', 1, 2_000, 0.45));
    expect(verdicts(results)['added-latency-1']).toBe('PASS');
    results.calls.push(callRun('gateway-memory', 1, 2_000, 0.55));
    results.calls.splice(2, 1);
    expect(verdicts(results)['added-latency-1']).toBe('MISS');
  });

  it('reports a skipped scenario as SKIPPED, never as PASS or MISS', () => {
    const results = emptyScenarioResults();
    results.skipped.push({ scenario: '3', label: 'gateway, Redis store', reason: 'gateway not built/runnable (dist missing)' });
    const report = buildBenchReport(results, parseBenchOptions(['--quick']), machine, new Date(0));
    const redis16 = report.targets.find((target) => target.id === 'throughput-gateway-redis-16');
    expect(redis16?.status).toBe('SKIPPED');
    expect(redis16?.measured).toContain('gateway not built/runnable (dist missing)');
    expect(report.targets.every((target) => target.status === 'SKIPPED')).toBe(true);
  });

  it('judges idle sessions on memory per session and on errors separately', () => {
    const results = emptyScenarioResults();
    results.idleSessions = { scenario: '5', kind: 'idle-sessions', requested: 10_000, opened: 10_000, errors: 0, errorSamples: [], durationMs: 1, before: [], after: [], bytesPerSession: 12 * 1024 };
    expect(verdicts(results)).toMatchObject({ 'idle-session-memory': 'MISS', 'idle-sessions-10000': 'PASS' });
  });
});
