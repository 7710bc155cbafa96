// The report as the terminal shows it at the end of a run.
import type { BenchReport } from './bench-report';
import { machineSummary } from './machine-info';
import { reportTables } from './report-tables';
import { renderTextTable } from './text-table';

export function renderConsoleReport(report: BenchReport): string {
  return [`MCP Gateway benchmark (${report.mode}) — ${machineSummary(report.machine)}`, '', ...reportTables(report).flatMap((table) => [renderTextTable(table), ''])].join('\n');
}
