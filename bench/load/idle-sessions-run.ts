// The memory run: opens many MCP sessions (initialize + notifications/initialized, nothing
// else) over a small pool of keep-alive connections and leaves them idle, sampling the
// servers' resident memory before and after. Sessions are not deleted: the gateway under
// test is thrown away after this run.
import { setTimeout as delay } from 'node:timers/promises';
import { sampleProcess } from '../processes/process-stats';
import { ErrorTally } from './error-tally';
import { HttpConnection } from './http-connection';
import type { IdleSessionsJob, IdleSessionsResult, ProcessMemory, WatchedProcess } from './load-job';
import { McpRequestBuilder } from './mcp-request-builder';
import { initializeOn } from './mcp-session';

const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;

export async function runIdleSessions(job: IdleSessionsJob): Promise<IdleSessionsResult> {
  const started = performance.now();
  const deadline = started + job.maxDurationMs;
  const builder = new McpRequestBuilder(job.endpoint);
  const connections = new Set<HttpConnection>();
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) connection.expire(now, REQUEST_TIMEOUT_MS);
  }, 250);
  try {
    const warmupErrors = new ErrorTally();
    await openIdleSessions(job, job.warmupSessions, builder, connections, deadline, warmupErrors);
    await delay(job.settleMs);
    const before = memoryOf(job.watch);

    const errors = new ErrorTally();
    const opened = await openIdleSessions(job, job.sessions, builder, connections, deadline, errors);
    await delay(job.settleMs);
    const after = memoryOf(job.watch);

    const grown = sum(after) - sum(before);
    return {
      kind: 'idle-sessions',
      requested: job.sessions,
      opened,
      // Failed attempts plus sessions never attempted before the deadline.
      errors: job.sessions - opened,
      errorSamples: [...warmupErrors.samples().map((sample) => `warm-up: ${sample}`), ...errors.samples()],
      durationMs: performance.now() - started,
      before,
      after,
      bytesPerSession: opened > 0 ? grown / opened : Number.NaN,
    };
  } finally {
    clearInterval(watchdog);
    for (const connection of connections) connection.close();
  }
}

/** Opens `count` sessions with `job.concurrency` connections; returns how many succeeded.
 * Sessions that were not attempted before the deadline count as failures. */
async function openIdleSessions(
  job: IdleSessionsJob,
  count: number,
  builder: McpRequestBuilder,
  connections: Set<HttpConnection>,
  deadline: number,
  errors: ErrorTally,
): Promise<number> {
  let next = 0;
  let opened = 0;
  const worker = async (): Promise<void> => {
    let connection: HttpConnection | undefined;
    while (next < count && performance.now() < deadline) {
      next++;
      try {
        if (connection === undefined || !connection.usable) {
          if (connection) connections.delete(connection);
          connection = await HttpConnection.open(job.endpoint, CONNECT_TIMEOUT_MS);
          connections.add(connection);
        }
        await initializeOn(connection, builder, 'mcp-gateway-bench-idle');
        opened++;
      } catch (error) {
        errors.record((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(job.concurrency, count)) }, worker));
  return opened;
}

function memoryOf(watch: readonly WatchedProcess[]): ProcessMemory[] {
  return watch.map(({ role, pid }) => ({ role, pid, rssBytes: sampleProcess(pid)?.rssBytes ?? Number.NaN }));
}

function sum(memory: readonly ProcessMemory[]): number {
  return memory.reduce((total, { rssBytes }) => total + rssBytes, 0);
}
