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

function cell(row: ConformanceScenarioResult | undefined): string {
  if (row === undefined) return 'not run';
  const verdict = row.failed > 0 ? '✗ fails' : row.passed > 0 ? '✓ passes' : '— nothing checked';
  const warnings = row.warnings > 0 ? `, ${row.warnings} warning${row.warnings === 1 ? '' : 's'}` : '';
  return `${verdict} (${row.passed} passed, ${row.failed} failed${warnings})`;
}

function suiteVersion(): string {
  const manifest = readFileSync(path.join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json'), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

const { direct, viaGateway } = await compareConformanceDirectAndViaGateway();
const regressions = new Set(conformanceRegressions(direct, viaGateway).map((row) => row.scenario));
const lines = [
  `Run of ${new Date().toISOString().slice(0, 10)}: @modelcontextprotocol/conformance ${suiteVersion()}, \`--suite all\`, Node ${process.version}.`,
  '',
  '| Scenario | Directly | Through the gateway | Parity |',
  '| --- | --- | --- | --- |',
  ...direct.map((row) => {
    const other = viaGateway.find((candidate) => candidate.scenario === row.scenario);
    return `| \`${row.scenario}\` | ${cell(row)} | ${cell(other)} | ${regressions.has(row.scenario) ? '**no**' : 'yes'} |`;
  }),
  '',
  `Scenarios with no failed check: ${direct.filter((row) => row.failed === 0).length}/${direct.length} directly, ` +
    `${viaGateway.filter((row) => row.failed === 0).length}/${viaGateway.length} through the gateway. ` +
    `Regressions (\`conformanceRegressions\`): ${regressions.size === 0 ? 'none' : [...regressions].map((name) => `\`${name}\``).join(', ')}.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
