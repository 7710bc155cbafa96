// Scenario 5: memory per idle gateway session. A fresh gateway (in-memory store, so the
// sessions live in the router's heap: the worst case for its memory) gets 10,000 sessions
// (initialize + notifications/initialized, nothing else); RSS of router + broker before and
// after, divided by the sessions opened. RSS includes garbage not yet collected, so the
// figure errs high, never low.
import type { UpstreamProcess } from '../processes/upstream-process';
import { formatCount, formatKiB } from '../report/format';
import type { BenchContext } from './bench-context';
import { FAST_UPSTREAM_PREFIX } from './call-scenarios';
import type { ScenarioResults } from './scenario-results';

const LABEL = 'idle sessions: gateway memory per session';

export async function runIdleSessionsScenario(context: BenchContext, upstream: UpstreamProcess, results: ScenarioResults): Promise<void> {
  const { options } = context;
  context.log('  starting a fresh gateway (in-memory store)…');
  const started = await context.gateways.start({
    label: 'gateway (idle sessions)',
    servers: [{ name: 'fast', url: upstream.url('/mcp'), prefix: FAST_UPSTREAM_PREFIX }],
    expectedToolCount: 10,
  });
  if (!started.ok) {
    results.skipped.push({ scenario: '5', label: LABEL, reason: started.reason });
    context.log(`  [5] ${LABEL}: skipped: ${started.reason}`);
    return;
  }
  try {
    const { sessions, warmupSessions, concurrency, settleMs } = options.idleSessions;
    const maxDurationMs = 180_000;
    const result = await context.load.run(
      { kind: 'idle-sessions', endpoint: started.gateway.endpoint, sessions, warmupSessions, concurrency, settleMs, maxDurationMs, watch: started.gateway.watch },
      maxDurationMs + 60_000,
    );
    results.idleSessions = { scenario: '5', ...result };
    context.log(
      `  [5] ${formatCount(result.opened)}/${formatCount(result.requested)} idle sessions: ${formatKiB(result.bytesPerSession)} KiB per session, errors ${formatCount(result.errors)}, ${(result.durationMs / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    results.skipped.push({ scenario: '5', label: LABEL, reason: `run failed: ${(error as Error).message}` });
    context.log(`  [5] ${LABEL}: run failed: ${(error as Error).message}`);
  } finally {
    await started.close();
  }
}
