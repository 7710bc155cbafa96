// The performance targets the gateway is held to, each judged PASS or MISS from one run
// (or SKIPPED, with the reason, when its scenario did not run). A miss is reported, never
// turned into a failing exit code: benchmark figures on shared machines are evidence, not a
// gate.
import type { ScenarioId } from '../bench-options';
import type { CallTargetKind, ScenarioResults } from '../scenarios/scenario-results';
import type { Comparison } from './bench-report';
import { formatCount, formatKiB, formatMs, formatRate, formatRatio } from './format';

export type TargetStatus = 'PASS' | 'MISS' | 'SKIPPED';

export interface TargetVerdict {
  readonly id: string;
  readonly description: string;
  readonly status: TargetStatus;
  /** What was measured, or why nothing was. */
  readonly measured: string;
}

const THROUGHPUT_LEVELS = [16, 64] as const;
const MEMORY_MIN_RATIO = 0.75;
const REDIS_MIN_RATIO = 0.65;
const ADDED_LATENCY_MAX_FACTOR = 2;
const TOOLS_LIST_MAX_P50_MS = 2;
const IDLE_SESSION_MAX_BYTES = 10 * 1024;
const IDLE_SESSIONS_REQUIRED = 10_000;

export function evaluateTargets(results: ScenarioResults, comparisons: readonly Comparison[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const skippedBecause = (...scenarios: ScenarioId[]): string => {
    const reasons = results.skipped.filter((skip) => scenarios.includes(skip.scenario)).map((skip) => `${skip.label}: ${firstLine(skip.reason)}`);
    return reasons.length > 0 ? `not measured (${reasons.join('; ')})` : `not measured (scenario ${scenarios.join(', ')} not run)`;
  };
  const judge = (id: string, description: string, passed: boolean | undefined, measured: string, skipReason: string): void => {
    verdicts.push(passed === undefined ? { id, description, status: 'SKIPPED', measured: skipReason } : { id, description, status: passed ? 'PASS' : 'MISS', measured });
  };

  const throughputTarget = (target: CallTargetKind, minRatio: number, scenario: ScenarioId, storeName: string): void => {
    for (const sessions of THROUGHPUT_LEVELS) {
      const comparison = comparisons.find((candidate) => candidate.target === target && candidate.sessions === sessions);
      const ratio = comparison?.throughputVsPlainProxy;
      const gateway = results.calls.find((run) => run.target === target && run.sessions === sessions);
      const proxy = results.calls.find((run) => run.target === 'plain-proxy' && run.sessions === sessions);
      judge(
        `throughput-${target}-${sessions}`,
        `gateway (${storeName}) throughput ≥ ${formatRatio(minRatio)} of the plain proxy's at ${sessions} sessions`,
        ratio === undefined ? undefined : ratio >= minRatio,
        `${formatRatio(ratio)} (${formatRate(gateway?.requestsPerSecond)} vs ${formatRate(proxy?.requestsPerSecond)} req/s)`,
        skippedBecause(scenario, '1', '1b'),
      );
    }
  };
  throughputTarget('gateway-memory', MEMORY_MIN_RATIO, '2', 'in-memory');
  throughputTarget('gateway-redis', REDIS_MIN_RATIO, '3', 'Redis');

  const direct1 = results.calls.find((run) => run.target === 'direct' && run.sessions === 1);
  const proxy1 = results.calls.find((run) => run.target === 'plain-proxy' && run.sessions === 1);
  const gateway1 = results.calls.find((run) => run.target === 'gateway-memory' && run.sessions === 1);
  const gatewayAdded = gateway1 && direct1 ? gateway1.latency.p50Ms - direct1.latency.p50Ms : undefined;
  const proxyAdded = proxy1 && direct1 ? proxy1.latency.p50Ms - direct1.latency.p50Ms : undefined;
  judge(
    'added-latency-1',
    `added p50 latency at 1 session (gateway − direct) ≤ ${ADDED_LATENCY_MAX_FACTOR}× the plain proxy's added p50`,
    gatewayAdded === undefined || proxyAdded === undefined ? undefined : gatewayAdded <= ADDED_LATENCY_MAX_FACTOR * proxyAdded,
    `gateway +${formatMs(gatewayAdded)} ms vs plain proxy +${formatMs(proxyAdded)} ms (limit +${formatMs(proxyAdded === undefined ? undefined : ADDED_LATENCY_MAX_FACTOR * proxyAdded)} ms)`,
    skippedBecause('2', '1', '1b'),
  );

  const list1 = results.toolsList.find((run) => run.sessions === 1 && run.walk === 'whole-catalog');
  const page1 = results.toolsList.find((run) => run.sessions === 1 && run.walk === 'first-page');
  const pageNote = page1 ? `; one page: p50 ${formatMs(page1.latency.p50Ms)} ms` : '';
  judge(
    'tools-list-50x20',
    `tools/list over 50 upstreams × 20 tools ≤ ${TOOLS_LIST_MAX_P50_MS} ms p50 at 1 session (whole catalog)`,
    list1 === undefined ? undefined : list1.latency.p50Ms <= TOOLS_LIST_MAX_P50_MS && list1.errors === 0,
    list1 === undefined
      ? ''
      : `p50 ${formatMs(list1.latency.p50Ms)} ms for ${formatCount(list1.toolsListed)} tools in ${list1.pages} ${list1.pages === 1 ? 'page' : 'pages'}${pageNote} (${formatCount(list1.errors)} errors)`,
    skippedBecause('4'),
  );

  const idle = results.idleSessions;
  judge(
    'idle-session-memory',
    `≤ ${formatKiB(IDLE_SESSION_MAX_BYTES)} KiB gateway memory per idle session`,
    idle === undefined || !Number.isFinite(idle.bytesPerSession) ? undefined : idle.bytesPerSession <= IDLE_SESSION_MAX_BYTES,
    idle === undefined ? '' : `${formatKiB(idle.bytesPerSession)} KiB per session (router + broker RSS)`,
    skippedBecause('5'),
  );
  judge(
    'idle-sessions-10000',
    `${formatCount(IDLE_SESSIONS_REQUIRED)} idle sessions without errors`,
    idle === undefined ? undefined : idle.opened >= IDLE_SESSIONS_REQUIRED && idle.errors === 0,
    idle === undefined ? '' : `${formatCount(idle.opened)} opened, ${formatCount(idle.errors)} errors`,
    skippedBecause('5'),
  );
  return verdicts;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
