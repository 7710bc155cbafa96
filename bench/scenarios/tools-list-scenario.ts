// Scenario 4: `tools/list` through the gateway when it federates 50 upstreams of 20 tools
// each (1,000 tools). One fast-upstream process stands in for all 50 (one path each); the
// broker connects to every one, and the benchmark waits until all 1,000 tools are listed.
// The latency recorded is that of the whole catalog, following `nextCursor` when the gateway
// paginates; then one page alone is timed as well.
import type { WatchedProcess } from '../load/load-job';
import { listToolCatalog } from '../processes/mcp-probe';
import { startUpstreamProcess } from '../processes/upstream-process';
import { formatCount, formatMs, formatRate } from '../report/format';
import type { BenchContext } from './bench-context';
import { measuredRunFrom, UPSTREAM_ROLE } from './measured-run';
import type { ScenarioResults, ToolsListRun } from './scenario-results';

export const TOOLS_LIST_UPSTREAMS = 50;
export const TOOLS_PER_UPSTREAM = 20;
const LABEL = `tools/list, ${TOOLS_LIST_UPSTREAMS} upstreams × ${TOOLS_PER_UPSTREAM} tools`;

export async function runToolsListScenario(context: BenchContext, results: ScenarioResults): Promise<void> {
  const { options, cleanup } = context;
  const upstream = await startUpstreamProcess({ toolCount: TOOLS_PER_UPSTREAM, name: 'fast upstream (20 tools)' });
  const closeUpstream = cleanup.defer('fast upstream (20 tools)', () => upstream.close());
  try {
    const servers = Array.from({ length: TOOLS_LIST_UPSTREAMS }, (_, index) => {
      const name = `u${String(index + 1).padStart(2, '0')}`;
      return { name, url: upstream.url(`/${name}/mcp`), prefix: `${name}_` };
    });
    const expected = TOOLS_LIST_UPSTREAMS * TOOLS_PER_UPSTREAM;
    context.log(`  starting the gateway with ${TOOLS_LIST_UPSTREAMS} upstreams…`);
    const started = await context.gateways.start({ label: 'gateway (50 upstreams)', servers, expectedToolCount: expected, readyTimeoutMs: 60_000 });
    if (!started.ok) {
      results.skipped.push({ scenario: '4', label: LABEL, reason: started.reason });
      context.log(`  [4] ${LABEL}: skipped: ${started.reason}`);
      return;
    }
    try {
      const { endpoint } = started.gateway;
      const catalog = await listToolCatalog(`http://${endpoint.host}:${endpoint.port}${endpoint.path}`);
      const watch: WatchedProcess[] = [...started.gateway.watch, { role: UPSTREAM_ROLE, pid: upstream.pid }];
      const runs: Array<{ sessions: number; walk: ToolsListRun['walk'] }> = options.toolsList.levels.map((sessions) => ({ sessions, walk: 'whole-catalog' }));
      // When the gateway paginates, also time one page: what a single tools/list request costs.
      if (catalog.pages > 1) runs.push({ sessions: 1, walk: 'first-page' });
      for (const { sessions, walk } of runs) {
        const label = `[4] ${LABEL}, ${walk === 'whole-catalog' ? `whole catalog (${catalog.pages} pages)` : 'first page'} × ${sessions}`;
        try {
          const result = await context.load.run(
            {
              kind: 'closed-loop',
              endpoint,
              operation: { method: 'tools/list', allPages: walk === 'whole-catalog' },
              sessions,
              warmupMs: options.warmupMs,
              durationMs: options.toolsList.durationMs,
              requestTimeoutMs: options.requestTimeoutMs,
              watch,
            },
            options.warmupMs + options.toolsList.durationMs + 60_000,
          );
          const run: ToolsListRun = {
            scenario: '4',
            walk,
            upstreams: TOOLS_LIST_UPSTREAMS,
            toolsPerUpstream: TOOLS_PER_UPSTREAM,
            toolsListed: catalog.names.length,
            pages: catalog.pages,
            ...measuredRunFrom(result),
          };
          results.toolsList.push(run);
          context.log(
            `  ${label}: ${formatRate(run.requestsPerSecond)} lists/s, p50 ${formatMs(run.latency.p50Ms)} ms, p99 ${formatMs(run.latency.p99Ms)} ms, ${formatCount(run.toolsListed)} tools, errors ${formatCount(run.errors)}`,
          );
        } catch (error) {
          results.skipped.push({ scenario: '4', label: `${LABEL} × ${sessions}`, reason: `run failed: ${(error as Error).message}` });
          context.log(`  ${label}: run failed: ${(error as Error).message}`);
        }
      }
    } finally {
      await started.close();
    }
  } finally {
    await closeUpstream();
  }
}
