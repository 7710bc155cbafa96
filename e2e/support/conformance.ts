// Runs the official MCP conformance suite (@modelcontextprotocol/conformance 0.1.13, server
// mode) against a URL and returns one row per scenario, so a test can compare a server run
// directly with the same server reached through the gateway.
//
// The suite's CLI writes `<outputDir>/server-<scenario>-<timestamp>/checks.json` per
// scenario (each check: SUCCESS | FAILURE | WARNING | INFO) and ends with a summary line per
// scenario (`✓ name: N passed, M failed`); the rows are built from the checks files, and the
// summary fills in a scenario that crashed before writing one. The CLI's exit code only
// says "some check failed", which is a result here, not an error.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '@mcp-gateway/testing';

export interface ConformanceScenarioResult {
  scenario: string;
  /** Checks with status SUCCESS. */
  passed: number;
  /** Checks with status FAILURE; a scenario passes when this is 0. */
  failed: number;
  /** Checks with status WARNING (SHOULD-level findings). */
  warnings: number;
}

export interface RunConformanceOptions {
  /** The MCP endpoint, e.g. http://127.0.0.1:PORT/mcp (dns-rebinding-protection needs a loopback URL). */
  url: string;
  /** 'active' (the suite's default), 'all' (adds pending scenarios) or 'pending'. */
  suite?: 'active' | 'all' | 'pending';
  /** Run only this scenario; overrides `suite`. */
  scenario?: string;
  /** Give up (and kill the suite) after this long; default 120 s. */
  timeoutMs?: number;
}

export class ConformanceRunError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'ConformanceRunError';
  }
}

const SUITE_CLI = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url),
);
// `server-<scenario>-<ISO timestamp with ':' and '.' replaced by '-'>`
const RESULT_DIR = /^server-(.+)-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)$/;
const SUMMARY_LINE = /^[✓✗] (\S+): (\d+) passed, (\d+) failed$/gmu;

interface Check {
  status: string;
}

export async function runConformanceSuite(options: RunConformanceOptions): Promise<ConformanceScenarioResult[]> {
  const outputDir = await mkdtemp(path.join(tmpdir(), 'mcp-conformance-'));
  try {
    const args = [SUITE_CLI, 'server', '--url', options.url, '--output-dir', outputDir];
    args.push(...(options.scenario ? ['--scenario', options.scenario] : ['--suite', options.suite ?? 'active']));
    const suite = await startProcess(process.execPath, args);
    const timeoutMs = options.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([suite.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await suite.kill();
      throw new ConformanceRunError(`conformance suite did not finish within ${timeoutMs} ms`, suite.output());
    }
    const rows = await readResultDirs(outputDir);
    for (const summary of summaryRows(suite.output())) {
      if (!rows.some((row) => row.scenario === summary.scenario)) rows.push(summary);
    }
    if (rows.length === 0) throw new ConformanceRunError('conformance suite produced no results', suite.output());
    return rows;
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

async function readResultDirs(outputDir: string): Promise<ConformanceScenarioResult[]> {
  const dirs = (await readdir(outputDir))
    .map((name) => ({ name, match: RESULT_DIR.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    // Timestamps sort in run order, which is the suite's scenario order.
    .sort((a, b) => (a.match[2] ?? '').localeCompare(b.match[2] ?? ''));
  const rows: ConformanceScenarioResult[] = [];
  for (const { name, match } of dirs) {
    const checks = JSON.parse(await readFile(path.join(outputDir, name, 'checks.json'), 'utf8')) as Check[];
    const count = (status: string): number => checks.filter((check) => check.status === status).length;
    rows.push({ scenario: match[1] ?? name, passed: count('SUCCESS'), failed: count('FAILURE'), warnings: count('WARNING') });
  }
  return rows;
}

function summaryRows(output: string): ConformanceScenarioResult[] {
  return [...output.matchAll(SUMMARY_LINE)].map((match) => ({
    scenario: match[1] ?? '',
    passed: Number(match[2]),
    failed: Number(match[3]),
    warnings: 0,
  }));
}

/**
 * Scenarios that did worse in `candidate` than in `baseline` (more failures, fewer passes,
 * more warnings, or missing): what a transparent proxy must never produce.
 */
export function conformanceRegressions(
  baseline: readonly ConformanceScenarioResult[],
  candidate: readonly ConformanceScenarioResult[],
): Array<{ scenario: string; baseline: ConformanceScenarioResult; candidate: ConformanceScenarioResult | undefined }> {
  return baseline.flatMap((before) => {
    const after = candidate.find((row) => row.scenario === before.scenario);
    const worse =
      after === undefined || after.failed > before.failed || after.passed < before.passed || after.warnings > before.warnings;
    return worse ? [{ scenario: before.scenario, baseline: before, candidate: after }] : [];
  });
}
