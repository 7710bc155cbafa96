// Prints the conformance tables of docs/conformance.md from a fresh run: the official suite
// (@modelcontextprotocol/conformance 0.1.13, every server scenario) against the conformance
// fixture directly and through the gateway (fixture registered without a prefix).
//
//   node --import tsx e2e/gateway/conformance-report.ts > /tmp/conformance.md
//
// Paste the output into docs/conformance.md. Takes about half a minute.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { conformanceRegressions, type ConformanceScenarioResult } from '../support/conformance';
import { REPO_ROOT } from './support/gateway-bundles';
import { compareConformanceDirectAndViaGateway } from './support/conformance-comparison';

/** Scenarios 0.1.13 runs only with `--suite all` or `pending` (`--suite pending` lists them). */
const PENDING_SCENARIOS = new Set(['json-schema-2020-12', 'server-sse-polling']);

function verdict(row: ConformanceScenarioResult | undefined): string {
  if (row === undefined) return 'not run';
  return row.failed > 0 ? '✗ fails' : row.passed > 0 ? '✓ passes' : '— nothing checked';
}

function table(rows: readonly ConformanceScenarioResult[]): string[] {
  return [
    '| Scenario | Suite | Result | Checks passed | Failed | Warnings |',
    '| --- | --- | --- | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| \`${row.scenario}\` | ${PENDING_SCENARIOS.has(row.scenario) ? 'pending' : 'active'} | ${verdict(row)} | ${row.passed} | ${row.failed} | ${row.warnings} |`,
    ),
  ];
}

function counts(row: ConformanceScenarioResult | undefined): string {
  return row === undefined ? 'not run' : `${verdict(row)} (${row.passed}/${row.failed}/${row.warnings})`;
}

function suiteVersion(): string {
  const manifest = readFileSync(path.join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json'), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

const { direct, viaGateway } = await compareConformanceDirectAndViaGateway();
const regressions = new Set(conformanceRegressions(direct, viaGateway).map((row) => row.scenario));
const differing = direct.filter((row) => {
  const other = viaGateway.find((candidate) => candidate.scenario === row.scenario);
  return other === undefined || other.passed !== row.passed || other.failed !== row.failed || other.warnings !== row.warnings;
});
const lines = [
  `Run of ${new Date().toISOString().slice(0, 10)}: @modelcontextprotocol/conformance ${suiteVersion()}, \`--suite all\`, Node ${process.version}.`,
  '',
  '### Directly against the conformance fixture',
  '',
  ...table(direct),
  '',
  '### Through the gateway (fixture registered without a prefix)',
  '',
  ...table(viaGateway),
  '',
  '### Differences',
  '',
  '| Scenario | Directly (passed/failed/warnings) | Through the gateway | Regression |',
  '| --- | --- | --- | --- |',
  ...differing.map((row) => {
    const other = viaGateway.find((candidate) => candidate.scenario === row.scenario);
    return `| \`${row.scenario}\` | ${counts(row)} | ${counts(other)} | ${regressions.has(row.scenario) ? '**yes**' : 'no'} |`;
  }),
  '',
  `Scenarios with no failed check: ${direct.filter((row) => row.failed === 0).length}/${direct.length} directly, ` +
    `${viaGateway.filter((row) => row.failed === 0).length}/${viaGateway.length} through the gateway. ` +
    `Regressions (\`conformanceRegressions\`): ${regressions.size === 0 ? 'none' : [...regressions].map((name) => `\`${name}\``).join(', ')}.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
