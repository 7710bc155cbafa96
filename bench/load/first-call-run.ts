// The lazy-initialization run: one fresh MCP session after another, timing its first
// operation (through the gateway this is the call that opens the upstream session:
// initialize + notifications/initialized upstream, then the call) and its second (warm:
// the upstream session exists). One session at a time, so the two are not disturbed by
// other traffic. Bounded by an iteration count and a deadline.
import type { HttpConnection } from './http-connection';
import { ErrorTally } from './error-tally';
import { LatencyHistogram } from './latency-histogram';
import type { FirstCallJob, FirstCallResult } from './load-job';
import { McpRequestBuilder } from './mcp-request-builder';
import { McpSession } from './mcp-session';

export async function runFirstCall(job: FirstCallJob): Promise<FirstCallResult> {
  const deadline = performance.now() + job.maxDurationMs;
  const connections = new Set<HttpConnection>();
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) connection.expire(now, job.requestTimeoutMs);
  }, 250);
  const options = { endpoint: job.endpoint, builder: new McpRequestBuilder(job.endpoint), connections, clientName: 'mcp-gateway-bench-first-call' };
  const first = new LatencyHistogram();
  const warm = new LatencyHistogram();
  const errors = new ErrorTally();
  let iterations = 0;
  try {
    for (; iterations < job.iterations && performance.now() < deadline; iterations++) {
      let session: McpSession;
      try {
        session = await McpSession.open(options);
      } catch (error) {
        errors.record(`opening a session: ${(error as Error).message}`);
        continue;
      }
      try {
        for (const histogram of [first, warm]) {
          const started = performance.now();
          const outcome = await session.perform(job.operation);
          if (outcome.ok) histogram.recordMs(performance.now() - started);
          else errors.record(outcome.reason);
        }
      } finally {
        await session.close();
      }
    }
  } finally {
    clearInterval(watchdog);
    for (const connection of connections) connection.close();
  }
  return {
    kind: 'first-call',
    iterations,
    errors: errors.count,
    errorSamples: errors.samples(),
    first: first.summary(),
    warm: warm.summary(),
  };
}
