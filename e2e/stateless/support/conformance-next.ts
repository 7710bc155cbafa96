// Runs the 2026-07-28 requirement set of the official MCP conformance suite — the alpha
// @modelcontextprotocol/conformance 0.2.0-alpha.12, installed under the npm alias
// `conformance-next` so the 0.1.13 the session-era suites pin stays — against a URL, under
// the Node 22 binary of the npm `node` package (the alpha needs Node ≥ 22; this project
// runs on 20). One row per scenario, from the `checks.json` each scenario writes; whether
// the revision requires the scenario comes from `conformance list --requirements`.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess } from '@mcp-gateway/testing';
import { REPO_ROOT } from '../../gateway/support/gateway-bundles';

export const REQUIREMENT_SET = '2026-07-28';
export const NODE_22 = path.join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
const SUITE_CLI = path.join(REPO_ROOT, 'node_modules', 'conformance-next', 'dist', 'index.js');
const RESULT_DIR = /^server-(.+)-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)$/;

export interface NextScenarioResult {
  readonly scenario: string;
  /** Required by the 2026-07-28 set (the others run but are not scored: extension, pending). */
  readonly required: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly warnings: number;
}

async function runSuite(args: readonly string[], timeoutMs: number): Promise<string> {
  const suite = await startProcess(NODE_22, [SUITE_CLI, ...args], { cwd: REPO_ROOT });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([suite.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await suite.kill();
    throw new Error(`conformance suite did not finish within ${timeoutMs} ms:\n${suite.output().slice(-2000)}`);
  }
  return suite.output();
}

/** The server scenarios the 2026-07-28 set requires. */
export async function requiredServerScenarios(): Promise<string[]> {
  const output = await runSuite(['list', '--server', '--requirements', REQUIREMENT_SET], 60_000);
  const section = output.split(/Server scenarios[^\n]*\n/)[1] ?? '';
  const scenarios: string[] = [];
  for (const line of section.split('\n')) {
    const match = /^\s+- (\S+)\s*$/.exec(line);
    if (match?.[1] !== undefined) scenarios.push(match[1]);
    else if (line.trim() !== '' && scenarios.length > 0) break;
  }
  return scenarios;
}

export async function runConformanceNext(url: string, options: { timeoutMs?: number } = {}): Promise<NextScenarioResult[]> {
  const required = new Set(await requiredServerScenarios());
  const outputDir = await mkdtemp(path.join(tmpdir(), 'mcp-conformance-next-'));
  try {
    await runSuite(['server', '--url', url, '--requirements', REQUIREMENT_SET, '--output-dir', outputDir], options.timeoutMs ?? 180_000);
    const rows: NextScenarioResult[] = [];
    for (const entry of await readdir(outputDir)) {
      const scenario = RESULT_DIR.exec(entry)?.[1];
      if (scenario === undefined) continue;
      const checks = JSON.parse(await readFile(path.join(outputDir, entry, 'checks.json'), 'utf8')) as Array<{ status: string }>;
      rows.push({
        scenario,
        required: required.has(scenario),
        passed: checks.filter((check) => check.status === 'SUCCESS').length,
        failed: checks.filter((check) => check.status === 'FAILURE').length,
        warnings: checks.filter((check) => check.status === 'WARNING').length,
      });
    }
    // Required scenarios first, each group in the suite's own order of requirement.
    const order = [...required];
    return rows.sort((a, b) => rank(order, a) - rank(order, b) || a.scenario.localeCompare(b.scenario));
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

function rank(order: readonly string[], row: NextScenarioResult): number {
  const index = order.indexOf(row.scenario);
  return index === -1 ? order.length : index;
}

/** Scenarios that do worse through the gateway: more failures or warnings, fewer passes, missing. */
export function nextRegressions(direct: readonly NextScenarioResult[], viaGateway: readonly NextScenarioResult[]): string[] {
  const regressions: string[] = [];
  for (const row of direct) {
    const other = viaGateway.find((candidate) => candidate.scenario === row.scenario);
    if (!other) regressions.push(`${row.scenario}: missing through the gateway`);
    else if (other.failed > row.failed || other.passed < row.passed || other.warnings > row.warnings) {
      regressions.push(`${row.scenario}: ${row.passed}/${row.failed}/${row.warnings} directly, ${other.passed}/${other.failed}/${other.warnings} through the gateway (passed/failed/warnings)`);
    }
  }
  return regressions;
}
