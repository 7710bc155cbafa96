// The throughput/latency run: N sessions, each initialized once, each sending its next
// operation as soon as the previous answer arrived (a closed loop, so the offered load
// follows the server's speed and the latency is not inflated by client queueing). A warm-up
// phase is run and thrown away; then one window is measured. Every loop is bounded by the
// window and by a per-request timeout enforced by one shared watchdog timer.
import { setTimeout as delay } from 'node:timers/promises';
import { resetPeakRss, sampleProcess } from '../processes/process-stats';
import { ErrorTally } from './error-tally';
import type { HttpConnection } from './http-connection';
import { LatencyHistogram } from './latency-histogram';
import type { ClosedLoopJob, ClosedLoopResult, ProcessUsage, WatchedProcess } from './load-job';
import { McpRequestBuilder } from './mcp-request-builder';
import { McpSession } from './mcp-session';

/** Sessions are opened this many at a time (a burst of 256 initializations is not the test). */
const OPEN_PARALLELISM = 16;
/** After a failure a session pauses this long, so a dead server is not spun against. */
const FAILURE_BACKOFF_MS = 10;
/** Upper bound on operations per session per run, whatever the clock says. */
const MAX_OPERATIONS_PER_SESSION = 50_000_000;
const WATCHDOG_INTERVAL_MS = 250;

export async function runClosedLoop(job: ClosedLoopJob): Promise<ClosedLoopResult> {
  const connections = new Set<HttpConnection>();
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) connection.expire(now, job.requestTimeoutMs);
  }, WATCHDOG_INTERVAL_MS);
  const errors = new ErrorTally();
  const options = { endpoint: job.endpoint, builder: new McpRequestBuilder(job.endpoint), connections, clientName: 'mcp-gateway-bench' };
  let sessions: McpSession[] = [];
  try {
    const opened = await openSessions(job.sessions, () => McpSession.open(options), errors);
    sessions = opened.sessions;
    const histogram = new LatencyHistogram();
    let measuring = false;
    let stopping = false;
    let completed = 0;
    let failed = 0;

    const loop = async (session: McpSession): Promise<void> => {
      for (let n = 0; n < MAX_OPERATIONS_PER_SESSION && !stopping; n++) {
        const started = performance.now();
        const outcome = await session.perform(job.operation);
        const finished = performance.now();
        if (outcome.ok) {
          if (measuring) {
            histogram.recordMs(finished - started);
            completed++;
          }
        } else {
          if (measuring) {
            failed++;
            errors.record(outcome.reason);
          }
          await delay(FAILURE_BACKOFF_MS);
        }
      }
    };
    const loops = sessions.map(loop);

    await delay(job.warmupMs);
    const before = startWindow(job.watch);
    const cpuBefore = process.cpuUsage();
    const windowStart = performance.now();
    measuring = true;
    await delay(job.durationMs);
    measuring = false;
    const windowMs = performance.now() - windowStart;
    const cpuUsed = process.cpuUsage(cpuBefore);
    const processes = endWindow(job.watch, before);
    stopping = true;
    await Promise.all(loops);

    return {
      kind: 'closed-loop',
      sessions: sessions.length,
      sessionOpenErrors: opened.failures,
      requests: completed,
      errors: failed,
      errorSamples: errors.samples(),
      durationMs: windowMs,
      requestsPerSecond: (completed / windowMs) * 1000,
      latency: histogram.summary(),
      histogram: histogram.snapshot(),
      processes,
      loadGeneratorCpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6,
    };
  } finally {
    await closeAll(sessions);
    clearInterval(watchdog);
    for (const connection of connections) connection.close();
  }
}

async function openSessions(
  count: number,
  open: () => Promise<McpSession>,
  errors: ErrorTally,
): Promise<{ sessions: McpSession[]; failures: number }> {
  const sessions: McpSession[] = [];
  let failures = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      try {
        sessions.push(await open());
      } catch (error) {
        failures++;
        errors.record(`opening a session: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_PARALLELISM, count) }, worker));
  return { sessions, failures };
}

/** DELETE every session (MCP 2025-11-25 basic/transports, session management), in parallel. */
async function closeAll(sessions: readonly McpSession[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sessions.length) {
      const session = sessions[next++];
      if (session) await session.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_PARALLELISM, sessions.length) }, worker));
}

interface WindowStart {
  readonly cpuSeconds: ReadonlyMap<number, number>;
}

function startWindow(watch: readonly WatchedProcess[]): WindowStart {
  const cpuSeconds = new Map<number, number>();
  for (const { pid } of watch) {
    resetPeakRss(pid);
    const sample = sampleProcess(pid);
    if (sample) cpuSeconds.set(pid, sample.cpuSeconds);
  }
  return { cpuSeconds };
}

function endWindow(watch: readonly WatchedProcess[], start: WindowStart): ProcessUsage[] {
  return watch.map(({ role, pid }) => {
    const sample = sampleProcess(pid);
    const cpuBefore = start.cpuSeconds.get(pid);
    return {
      role,
      pid,
      cpuSeconds: sample && cpuBefore !== undefined ? sample.cpuSeconds - cpuBefore : Number.NaN,
      peakRssBytes: sample?.peakRssBytes ?? Number.NaN,
      rssBytes: sample?.rssBytes ?? Number.NaN,
    };
  });
}
