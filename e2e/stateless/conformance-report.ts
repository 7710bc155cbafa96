// Prints the stateless-era tables of docs/conformance.md (Markdown): the 2026-07-28
// requirement set run against the stateless-era conformance fixture directly and through the
// gateway. `node --import tsx e2e/stateless/conformance-report.ts` (about 30 s).
import { execFileSync } from 'node:child_process';
import { NODE_22, type NextScenarioResult } from './support/conformance-next';
import { compareConformanceNextDirectAndViaGateway } from './support/conformance-next-comparison';

function table(rows: readonly NextScenarioResult[]): string {
  const lines = ['| Scenario | Required for 2026-07-28 | Result | Checks passed | Failed | Warnings |', '| --- | --- | --- | ---: | ---: | ---: |'];
  for (const row of rows) {
    const result = row.failed > 0 ? '✗ fails' : row.passed === 0 ? '— nothing checked' : '✓ passes';
    lines.push(`| \`${row.scenario}\` | ${row.required ? 'yes' : 'no (not scored)'} | ${result} | ${row.passed} | ${row.failed} | ${row.warnings} |`);
  }
  return lines.join('\n');
}

const { direct, viaGateway } = await compareConformanceNextDirectAndViaGateway();
const node22 = execFileSync(NODE_22, ['--version'], { encoding: 'utf8' }).trim();
process.stdout.write(`Run of ${new Date().toISOString().slice(0, 10)}: @modelcontextprotocol/conformance 0.2.0-alpha.12 (\`conformance-next\`), \`--requirements 2026-07-28\`, Node ${node22}.\n\n`);
process.stdout.write(`### Directly against the stateless-era conformance fixture\n\n${table(direct)}\n\n`);
process.stdout.write(`### Through the gateway\n\n${table(viaGateway)}\n`);
