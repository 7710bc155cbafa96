// What each scenario measured, as plain JSON-able values: the report computes ratios and
// target verdicts from these and writes them to bench/results/latest.json unchanged.
import type { ScenarioId } from '../bench-options';
import type { LatencySummary } from '../load/latency-histogram';
import type { FirstCallResult, IdleSessionsResult, ProcessUsage } from '../load/load-job';
import type { ExtProcRun } from './ext-proc-scenario';

/** Where the tools/call traffic of scenarios 1–3 goes. */
export type CallTargetKind = 'direct' | 'plain-proxy' | 'gateway-memory' | 'gateway-redis';

export const CALL_TARGET_SCENARIO: Readonly<Record<CallTargetKind, ScenarioId>> = {
  direct: '1',
  'plain-proxy': '1b',
  'gateway-memory': '2',
  'gateway-redis': '3',
};

export const CALL_TARGET_LABEL: Readonly<Record<CallTargetKind, string>> = {
  direct: 'direct to upstream',
  'plain-proxy': 'plain Node proxy',
  'gateway-memory': 'gateway, in-memory store',
  'gateway-redis': 'gateway, Redis store',
};

/** CPU and memory of the processes under test (proxy, or router + broker) in one window. */
export interface UnderTestUsage {
  readonly cpuSeconds: number;
  /** CPU time per successful request, in µs: the cost of the hop itself. */
  readonly cpuMicrosPerRequest: number;
  /** Sum over the processes of each one's peak resident set in the window. */
  readonly peakRssBytes: number;
}

export interface MeasuredRun {
  readonly sessions: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly sessionOpenErrors: number;
  readonly errorSamples: readonly string[];
  readonly durationMs: number;
  /** Undefined for the direct scenario, where nothing stands between client and upstream. */
  readonly underTest: UnderTestUsage | undefined;
  readonly upstreamCpuSeconds: number;
  readonly loadGeneratorCpuSeconds: number;
  readonly processes: readonly ProcessUsage[];
}

export interface CallRun extends MeasuredRun {
  readonly scenario: ScenarioId;
  readonly target: CallTargetKind;
}

export interface ToolsListRun extends MeasuredRun {
  readonly scenario: '4';
  /** What one measured operation is: every page of the catalog, or only the first. */
  readonly walk: 'whole-catalog' | 'first-page';
  readonly upstreams: number;
  readonly toolsPerUpstream: number;
  readonly toolsListed: number;
  /** Pages the whole catalog takes. */
  readonly pages: number;
}

export interface IdleSessionsRun extends IdleSessionsResult {
  readonly scenario: '5';
}

export interface FirstCallRun extends FirstCallResult {
  readonly scenario: '6';
  readonly target: CallTargetKind;
}

export interface SkippedScenario {
  readonly scenario: ScenarioId;
  readonly label: string;
  readonly reason: string;
}

export interface ScenarioResults {
  readonly calls: CallRun[];
  readonly toolsList: ToolsListRun[];
  idleSessions: IdleSessionsRun | undefined;
  readonly firstCall: FirstCallRun[];
  /** Scenario 7: the router's ext_proc face. */
  readonly extProc: ExtProcRun[];
  readonly skipped: SkippedScenario[];
}

export function emptyScenarioResults(): ScenarioResults {
  return { calls: [], toolsList: [], idleSessions: undefined, firstCall: [], extProc: [], skipped: [] };
}
