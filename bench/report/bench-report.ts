// The benchmark's result document (written as bench/results/latest.json): what was
// measured, on which machine, the ratios of gateway to direct and to the plain proxy at
// each concurrency, and the verdict on each target.
import type { BenchOptions } from '../bench-options';
import type { CallRun, CallTargetKind, ScenarioResults } from '../scenarios/scenario-results';
import type { MachineInfo } from './machine-info';
import { evaluateTargets } from './targets';
import type { TargetVerdict } from './targets';

/** One proxying target against direct (and against the plain proxy) at one concurrency. */
export interface Comparison {
  readonly target: CallTargetKind;
  readonly sessions: number;
  /** target req/s ÷ direct req/s */
  readonly throughputVsDirect: number;
  /** target req/s ÷ plain-proxy req/s (undefined for the plain proxy itself) */
  readonly throughputVsPlainProxy: number | undefined;
  /** target p50 − direct p50, ms */
  readonly addedP50Ms: number;
  /** target p99 − direct p99, ms */
  readonly addedP99Ms: number;
  /** (target p50 − direct p50) ÷ (plain-proxy p50 − direct p50) */
  readonly addedP50VsPlainProxy: number | undefined;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly mode: BenchOptions['mode'];
  readonly machine: MachineInfo;
  readonly settings: {
    readonly levels: readonly number[];
    readonly rounds: number;
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly singleSessionDurationMs: number;
  };
  readonly results: ScenarioResults;
  readonly comparisons: readonly Comparison[];
  readonly targets: readonly TargetVerdict[];
}

export function buildBenchReport(results: ScenarioResults, options: BenchOptions, machine: MachineInfo, generatedAt: Date): BenchReport {
  const comparisons = compareTargets(results.calls);
  return {
    generatedAt: generatedAt.toISOString(),
    mode: options.mode,
    machine,
    settings: {
      levels: options.levels,
      rounds: options.rounds,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      singleSessionDurationMs: options.singleSessionDurationMs,
    },
    results,
    comparisons,
    targets: evaluateTargets(results, comparisons),
  };
}

export function findCallRun(calls: readonly CallRun[], target: CallTargetKind, sessions: number): CallRun | undefined {
  return calls.find((run) => run.target === target && run.sessions === sessions);
}

function compareTargets(calls: readonly CallRun[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const run of calls) {
    if (run.target === 'direct') continue;
    const direct = findCallRun(calls, 'direct', run.sessions);
    if (!direct) continue;
    const proxy = run.target === 'plain-proxy' ? undefined : findCallRun(calls, 'plain-proxy', run.sessions);
    const addedP50Ms = run.latency.p50Ms - direct.latency.p50Ms;
    const proxyAddedP50Ms = proxy ? proxy.latency.p50Ms - direct.latency.p50Ms : undefined;
    comparisons.push({
      target: run.target,
      sessions: run.sessions,
      throughputVsDirect: run.requestsPerSecond / direct.requestsPerSecond,
      throughputVsPlainProxy: proxy ? run.requestsPerSecond / proxy.requestsPerSecond : undefined,
      addedP50Ms,
      addedP99Ms: run.latency.p99Ms - direct.latency.p99Ms,
      addedP50VsPlainProxy: proxyAddedP50Ms !== undefined && proxyAddedP50Ms > 0 ? addedP50Ms / proxyAddedP50Ms : undefined,
    });
  }
  return comparisons;
}
