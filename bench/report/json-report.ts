// Writes the full report as JSON (bench/results/latest.json). Non-finite numbers (a latency
// of a run with no successful request) become null, as JSON has no NaN.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchReport } from './bench-report';

export async function writeJsonReport(filePath: string, report: BenchReport): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  await writeFile(filePath, `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
}
