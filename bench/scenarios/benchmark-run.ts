// The whole benchmark, in order: the shared fast upstream; scenarios 1, 1b, 2, 3 and 6
// against it; then 4 (its own upstream and gateway), 5 (a fresh gateway) and 7 (a gateway
// whose router also serves ext_proc). Each scenario
// closes what it started; the cleanup stack catches whatever an interruption leaves.
import type { ScenarioId } from '../bench-options';
import { startUpstreamProcess } from '../processes/upstream-process';
import type { BenchContext } from './bench-context';
import { runCallScenarios } from './call-scenarios';
import { runExtProcScenario } from './ext-proc-scenario';
import { runIdleSessionsScenario } from './idle-sessions-scenario';
import { emptyScenarioResults } from './scenario-results';
import type { ScenarioResults } from './scenario-results';
import { runToolsListScenario } from './tools-list-scenario';

const CALL_SCENARIOS: readonly ScenarioId[] = ['1', '1b', '2', '3', '6'];

export async function runBenchmark(context: BenchContext): Promise<ScenarioResults> {
  const { only } = context.options;
  const results = emptyScenarioResults();
  const upstream = await startUpstreamProcess({ toolCount: 10 });
  const closeUpstream = context.cleanup.defer('fast upstream', () => upstream.close());
  try {
    context.log(`fast upstream on 127.0.0.1:${upstream.port} (pid ${upstream.pid})`);
    if (CALL_SCENARIOS.some((id) => only.has(id))) {
      context.log('scenarios 1, 1b, 2, 3, 6: tools/call');
      await runCallScenarios(context, upstream, results);
    }
    if (only.has('4')) {
      context.log('scenario 4: tools/list over 50 × 20 tools');
      await runToolsListScenario(context, results);
    }
    if (only.has('5')) {
      context.log('scenario 5: idle sessions');
      await runIdleSessionsScenario(context, upstream, results);
    }
    if (only.has('7')) {
      context.log('scenario 7: ext_proc messages (the router behind Envoy)');
      await runExtProcScenario(context, upstream, results);
    }
  } finally {
    await closeUpstream();
  }
  return results;
}
