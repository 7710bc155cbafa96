// The messages between the benchmark orchestrator and the load-generator process (sent
// over the child-process IPC channel, so plain JSON values only).
import type { HistogramSnapshot, LatencySummary } from './latency-histogram';
import type { McpEndpoint, McpOperation } from './mcp-request-builder';

/** A server process whose CPU and memory a run reports (read from /proc by the load
 * generator at the edges of the measurement window). */
export interface WatchedProcess {
  readonly role: string;
  readonly pid: number;
}

export interface ProcessUsage {
  readonly role: string;
  readonly pid: number;
  /** CPU seconds (user + system) spent inside the measurement window. */
  readonly cpuSeconds: number;
  /** Peak resident set during the window (VmHWM after a reset at the window's start). */
  readonly peakRssBytes: number;
  readonly rssBytes: number;
}

/** N sessions, each issuing one operation after another for a fixed time. */
export interface ClosedLoopJob {
  readonly kind: 'closed-loop';
  readonly endpoint: McpEndpoint;
  readonly operation: McpOperation;
  readonly sessions: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly requestTimeoutMs: number;
  readonly watch: readonly WatchedProcess[];
}

export interface ClosedLoopResult {
  readonly kind: 'closed-loop';
  readonly sessions: number;
  readonly sessionOpenErrors: number;
  /** Operations completed successfully inside the window. */
  readonly requests: number;
  /** Operations that failed inside the window (HTTP status, JSON-RPC error, socket). */
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly durationMs: number;
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  /** The latency histogram itself, so runs of several rounds can be merged. */
  readonly histogram: HistogramSnapshot;
  readonly processes: readonly ProcessUsage[];
  readonly loadGeneratorCpuSeconds: number;
}

/** Opens many sessions and leaves them idle, measuring server memory before and after. */
export interface IdleSessionsJob {
  readonly kind: 'idle-sessions';
  readonly endpoint: McpEndpoint;
  readonly sessions: number;
  /** Opened (and kept) before the "before" sample, so warm-up allocations are not counted. */
  readonly warmupSessions: number;
  readonly concurrency: number;
  readonly settleMs: number;
  readonly maxDurationMs: number;
  readonly watch: readonly WatchedProcess[];
}

export interface ProcessMemory {
  readonly role: string;
  readonly pid: number;
  readonly rssBytes: number;
}

export interface IdleSessionsResult {
  readonly kind: 'idle-sessions';
  readonly requested: number;
  readonly opened: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly durationMs: number;
  readonly before: readonly ProcessMemory[];
  readonly after: readonly ProcessMemory[];
  /** (RSS after − RSS before, summed over watched processes) / sessions opened. */
  readonly bytesPerSession: number;
}

/** Fresh sessions one after another: the first operation vs the second on each. */
export interface FirstCallJob {
  readonly kind: 'first-call';
  readonly endpoint: McpEndpoint;
  readonly operation: McpOperation;
  readonly iterations: number;
  readonly maxDurationMs: number;
  readonly requestTimeoutMs: number;
}

export interface FirstCallResult {
  readonly kind: 'first-call';
  readonly iterations: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly first: LatencySummary;
  readonly warm: LatencySummary;
}

export type LoadJob = ClosedLoopJob | IdleSessionsJob | FirstCallJob;
export type LoadResult = ClosedLoopResult | IdleSessionsResult | FirstCallResult;
export type LoadResultFor<J extends LoadJob> = J extends ClosedLoopJob
  ? ClosedLoopResult
  : J extends IdleSessionsJob
    ? IdleSessionsResult
    : FirstCallResult;

export interface LoadRequestMessage {
  readonly id: number;
  readonly job: LoadJob;
}

export type LoadReplyMessage =
  | { readonly id: number; readonly ok: true; readonly result: LoadResult }
  | { readonly id: number; readonly ok: false; readonly error: string };
