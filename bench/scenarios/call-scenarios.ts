// Scenarios 1, 1b, 2, 3 (tools/call throughput and latency) and 6 (first call on a fresh
// session). All targets are started first and stay up together; then, concurrency level by
// level, each target is measured in turn, for several alternating rounds that are merged.
// Interleaving makes the ratios between targets trustworthy: a busy spell of the machine
// hits every target of a level alike.
import { startRedisServer } from '@mcp-gateway/testing';
import type { ClosedLoopJob, ClosedLoopResult, WatchedProcess } from '../load/load-job';
import type { McpEndpoint, McpOperation } from '../load/mcp-request-builder';
import { startPlainProxyProcess } from '../processes/plain-proxy-process';
import type { UpstreamProcess } from '../processes/upstream-process';
import { formatCount, formatMs, formatRate } from '../report/format';
import type { BenchContext } from './bench-context';
import { combineRounds, measuredRunFrom, UPSTREAM_ROLE } from './measured-run';
import { CALL_TARGET_LABEL, CALL_TARGET_SCENARIO } from './scenario-results';
import type { CallTargetKind, MeasuredRun, ScenarioResults } from './scenario-results';

/** The prefix the gateway puts before the fast upstream's tool names. */
export const FAST_UPSTREAM_PREFIX = 'fast_';
const CALL_ARGUMENTS = { text: 'hello from the benchmark' };
/** Grace on top of a job's own duration before the orchestrator gives up on it. */
const JOB_GRACE_MS = 60_000;

interface CallTarget {
  readonly kind: CallTargetKind;
  readonly endpoint: McpEndpoint;
  readonly tool: string;
  readonly watch: readonly WatchedProcess[];
}

export async function runCallScenarios(context: BenchContext, upstream: UpstreamProcess, results: ScenarioResults): Promise<void> {
  const { options, cleanup } = context;
  const upstreamWatch: WatchedProcess = { role: UPSTREAM_ROLE, pid: upstream.pid };
  const targets: CallTarget[] = [];
  const closers: Array<() => Promise<void>> = [];
  const skip = (kind: CallTargetKind, reason: string): void => {
    results.skipped.push({ scenario: CALL_TARGET_SCENARIO[kind], label: CALL_TARGET_LABEL[kind], reason });
    context.log(`  [${CALL_TARGET_SCENARIO[kind]}] ${CALL_TARGET_LABEL[kind]}: skipped: ${reason}`);
  };

  try {
    targets.push({ kind: 'direct', endpoint: endpointOf(upstream.port), tool: 'echo', watch: [upstreamWatch] });

    if (options.only.has('1b')) {
      const proxy = await startPlainProxyProcess(`http://127.0.0.1:${upstream.port}`);
      closers.push(cleanup.defer('plain proxy', () => proxy.close()));
      targets.push({ kind: 'plain-proxy', endpoint: endpointOf(proxy.port), tool: 'echo', watch: [{ role: 'proxy', pid: proxy.pid }, upstreamWatch] });
    }

    const gatewayServers = [{ name: 'fast', url: upstream.url('/mcp'), prefix: FAST_UPSTREAM_PREFIX }];
    if (options.only.has('2') || options.only.has('6')) {
      context.log('  starting the gateway (in-memory store)…');
      const started = await context.gateways.start({ label: 'gateway (in-memory)', servers: gatewayServers, expectedToolCount: 10 });
      if (started.ok) {
        closers.push(started.close);
        targets.push({ kind: 'gateway-memory', endpoint: started.gateway.endpoint, tool: `${FAST_UPSTREAM_PREFIX}echo`, watch: [...started.gateway.watch, upstreamWatch] });
      } else {
        skip('gateway-memory', started.reason);
        if (options.only.has('6')) results.skipped.push({ scenario: '6', label: 'first call vs warm call', reason: started.reason });
      }
    }

    if (options.only.has('3')) {
      const redisTarget = await startRedisGateway(context, gatewayServers, closers);
      if (typeof redisTarget === 'string') skip('gateway-redis', redisTarget);
      else targets.push({ ...redisTarget, watch: [...redisTarget.watch, upstreamWatch] });
    }

    const measured = targets.filter((target) => options.only.has(CALL_TARGET_SCENARIO[target.kind]));
    for (const sessions of options.levels) {
      const rounds = new Map<CallTargetKind, ClosedLoopResult[]>();
      for (let round = 1; round <= options.rounds; round++) {
        for (const target of measured) {
          const result = await measureCalls(context, target, sessions, round, results);
          if (result) rounds.set(target.kind, [...(rounds.get(target.kind) ?? []), result]);
        }
      }
      for (const target of measured) {
        const done = rounds.get(target.kind);
        if (!done) continue;
        const run = { scenario: CALL_TARGET_SCENARIO[target.kind], target: target.kind, ...measuredRunFrom(combineRounds(done)) };
        results.calls.push(run);
        if (options.rounds > 1) {
          context.log(`  ⇒ [${run.scenario}] ${CALL_TARGET_LABEL[target.kind]} × ${sessions}, ${done.length} rounds: ${describeRun(run)}`);
        }
      }
    }

    if (options.only.has('6')) {
      for (const target of targets.filter((candidate) => candidate.kind === 'gateway-memory' || candidate.kind === 'gateway-redis')) {
        await measureFirstCall(context, target, results);
      }
    }
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

async function startRedisGateway(
  context: BenchContext,
  servers: ReadonlyArray<{ name: string; url: string; prefix: string }>,
  closers: Array<() => Promise<void>>,
): Promise<CallTarget | string> {
  let redisUrl: string;
  try {
    const redis = await startRedisServer();
    closers.push(context.cleanup.defer('redis-server', () => redis.stop()));
    redisUrl = redis.url;
  } catch (error) {
    return `redis-server could not be started (${(error as Error).message})`;
  }
  context.log(`  starting the gateway (Redis store at ${redisUrl})…`);
  const started = await context.gateways.start({ label: 'gateway (Redis)', servers, sessionStoreUrl: redisUrl, expectedToolCount: 10 });
  if (!started.ok) return started.reason;
  closers.push(started.close);
  return { kind: 'gateway-redis', endpoint: started.gateway.endpoint, tool: `${FAST_UPSTREAM_PREFIX}echo`, watch: started.gateway.watch };
}

/** One round of one target at one concurrency; undefined (and recorded as skipped) when
 * the run itself failed. */
async function measureCalls(
  context: BenchContext,
  target: CallTarget,
  sessions: number,
  round: number,
  results: ScenarioResults,
): Promise<ClosedLoopResult | undefined> {
  const { options } = context;
  const scenario = CALL_TARGET_SCENARIO[target.kind];
  const operation: McpOperation = { method: 'tools/call', tool: target.tool, arguments: CALL_ARGUMENTS };
  const durationMs = sessions === 1 ? options.singleSessionDurationMs : options.durationMs;
  const job: ClosedLoopJob = {
    kind: 'closed-loop',
    endpoint: target.endpoint,
    operation,
    sessions,
    warmupMs: options.warmupMs,
    durationMs,
    requestTimeoutMs: options.requestTimeoutMs,
    watch: target.watch,
  };
  const roundLabel = options.rounds > 1 ? ` (round ${round}/${options.rounds})` : '';
  const label = `[${scenario}] ${CALL_TARGET_LABEL[target.kind]} × ${sessions}${roundLabel}`;
  try {
    const result = await context.load.run(job, options.warmupMs + durationMs + JOB_GRACE_MS);
    context.log(`  ${label}: ${describeRun(measuredRunFrom(result))}`);
    return result;
  } catch (error) {
    results.skipped.push({ scenario, label: `${CALL_TARGET_LABEL[target.kind]} × ${sessions}${roundLabel}`, reason: `run failed: ${(error as Error).message}` });
    context.log(`  ${label}: run failed: ${(error as Error).message}`);
    return undefined;
  }
}

function describeRun(run: MeasuredRun): string {
  return `${formatRate(run.requestsPerSecond)} req/s, p50 ${formatMs(run.latency.p50Ms)} ms, p99 ${formatMs(run.latency.p99Ms)} ms, errors ${formatCount(run.errors + run.sessionOpenErrors)}`;
}

async function measureFirstCall(context: BenchContext, target: CallTarget, results: ScenarioResults): Promise<void> {
  const { options } = context;
  const label = `[6] first call vs warm call, ${CALL_TARGET_LABEL[target.kind]}`;
  try {
    const result = await context.load.run(
      {
        kind: 'first-call',
        endpoint: target.endpoint,
        operation: { method: 'tools/call', tool: target.tool, arguments: CALL_ARGUMENTS },
        iterations: options.firstCall.iterations,
        maxDurationMs: options.firstCall.maxDurationMs,
        requestTimeoutMs: options.requestTimeoutMs,
      },
      options.firstCall.maxDurationMs + JOB_GRACE_MS,
    );
    results.firstCall.push({ scenario: '6', target: target.kind, ...result });
    context.log(
      `  ${label}: first p50 ${formatMs(result.first.p50Ms)} ms, warm p50 ${formatMs(result.warm.p50Ms)} ms over ${result.iterations} sessions, errors ${result.errors}`,
    );
  } catch (error) {
    results.skipped.push({ scenario: '6', label: `first call vs warm call, ${CALL_TARGET_LABEL[target.kind]}`, reason: `run failed: ${(error as Error).message}` });
    context.log(`  ${label}: run failed: ${(error as Error).message}`);
  }
}

function endpointOf(port: number): McpEndpoint {
  return { host: '127.0.0.1', port, path: '/mcp' };
}
