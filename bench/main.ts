// `npm run bench` entry (via scripts/bench.mjs): parses options, starts the load generator,
// runs every scenario, prints the report and writes docs/benchmarks.md and
// bench/results/latest.json. Everything started is stopped at the end and on Ctrl-C.
// Missed targets are reported, not turned into a failing exit code.
import { BENCHMARKS_DOC_PATH, RESULTS_JSON_PATH } from './bench-paths';
import { BENCH_USAGE, BenchUsageError, parseBenchOptions } from './bench-options';
import type { BenchOptions } from './bench-options';
import { LoadGenerator } from './load/load-generator';
import { CleanupStack } from './processes/cleanup-stack';
import { gatewayBuildProblem } from './processes/gateway-processes';
import { buildBenchReport } from './report/bench-report';
import { renderConsoleReport } from './report/console-report';
import { writeJsonReport } from './report/json-report';
import { describeMachine, machineSummary } from './report/machine-info';
import { writeMarkdownResults } from './report/markdown-report';
import { GatewayStarter } from './scenarios/bench-context';
import type { BenchContext } from './scenarios/bench-context';
import { runBenchmark } from './scenarios/benchmark-run';

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  const helpRequested = error.message === 'help requested';
  if (!helpRequested) console.error(error.message);
  console.error(BENCH_USAGE);
  process.exit(helpRequested ? 0 : 2);
}

const cleanup = new CleanupStack((name, error) => console.error(`could not stop ${name}: ${(error as Error).message}`));
let interrupted = false;
const interrupt = (signal: NodeJS.Signals): void => {
  if (interrupted) process.exit(130);
  interrupted = true;
  console.error(`\n${signal}: stopping every process the benchmark started…`);
  void cleanup.closeAll().finally(() => process.exit(130));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

const machine = describeMachine();
const startedAt = new Date();
console.log(`MCP Gateway benchmark, ${options.mode} run, on ${machineSummary(machine)}`);
const buildProblem = gatewayBuildProblem();
if (buildProblem) console.log(`gateway scenarios will be skipped: ${buildProblem}`);

const load = LoadGenerator.start();
cleanup.defer('load generator', () => load.close());
const context: BenchContext = { options, load, cleanup, gateways: new GatewayStarter(cleanup), log: (line) => {
    // After Ctrl-C the scenarios see their processes vanish; their complaints are noise.
    if (!interrupted) console.log(line);
  },
};

let exitCode = 0;
try {
  const results = await runBenchmark(context);
  const report = buildBenchReport(results, options, machine, startedAt);
  console.log(`\n${renderConsoleReport(report)}`);
  if (options.write) {
    await writeJsonReport(RESULTS_JSON_PATH, report);
    await writeMarkdownResults(BENCHMARKS_DOC_PATH, report);
    console.log(`wrote ${RESULTS_JSON_PATH} and ${BENCHMARKS_DOC_PATH}`);
  }
  console.log(`finished in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await cleanup.closeAll();
}
process.exit(exitCode);
