// The tables of a benchmark report, built once and rendered both to the terminal and to
// docs/benchmarks.md, so the two never disagree.
import type { BenchReport } from './bench-report';
import { findCallRun } from './bench-report';
import { UPSTREAM_ROLE } from '../scenarios/measured-run';
import { CALL_TARGET_LABEL } from '../scenarios/scenario-results';
import { formatCount, formatKiB, formatMiB, formatMs, formatRate, formatRatio, formatSeconds, formatSignedMs } from './format';
import type { Table } from './text-table';

export function reportTables(report: BenchReport): Table[] {
  const tables: Table[] = [targetsTable(report), callsTable(report)];
  const { results } = report;
  if (results.toolsList.length > 0) tables.push(toolsListTable(report));
  if (results.idleSessions) tables.push(idleSessionsTable(report));
  if (results.firstCall.length > 0) tables.push(firstCallTable(report));
  if (results.skipped.length > 0) tables.push(skippedTable(report));
  return tables;
}

function targetsTable(report: BenchReport): Table {
  return {
    title: 'Targets',
    headers: ['Verdict', 'Target', 'Measured'],
    rows: report.targets.map((target) => [target.status, target.description, firstLine(target.measured)]),
  };
}

function callsTable(report: BenchReport): Table {
  const { calls } = report.results;
  const order = ['direct', 'plain-proxy', 'gateway-memory', 'gateway-redis'];
  const sorted = [...calls].sort((a, b) => a.sessions - b.sessions || order.indexOf(a.target) - order.indexOf(b.target));
  return {
    title: 'tools/call: throughput and latency (scenarios 1, 1b, 2, 3)',
    headers: ['#', 'Target', 'Sessions', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'Errors', 'vs direct', 'vs proxy', 'Added p50 ms', 'CPU s', 'CPU µs/req', 'CPU split', 'Peak RSS MiB', 'Upstream CPU s', 'Load-gen CPU s'],
    rows: sorted.map((run) => {
      const comparison = report.comparisons.find((candidate) => candidate.target === run.target && candidate.sessions === run.sessions);
      const direct = findCallRun(calls, 'direct', run.sessions);
      return [
        run.scenario,
        CALL_TARGET_LABEL[run.target],
        String(run.sessions),
        formatRate(run.requestsPerSecond),
        formatMs(run.latency.p50Ms),
        formatMs(run.latency.p90Ms),
        formatMs(run.latency.p99Ms),
        formatCount(run.errors + run.sessionOpenErrors),
        run.target === 'direct' ? '—' : formatRatio(comparison?.throughputVsDirect),
        formatRatio(comparison?.throughputVsPlainProxy),
        run.target === 'direct' || !direct ? '—' : formatSignedMs(comparison?.addedP50Ms),
        formatSeconds(run.underTest?.cpuSeconds),
        run.underTest ? Math.round(run.underTest.cpuMicrosPerRequest).toString() : '—',
        cpuSplit(run.processes),
        formatMiB(run.underTest?.peakRssBytes),
        formatSeconds(run.upstreamCpuSeconds),
        formatSeconds(run.loadGeneratorCpuSeconds),
      ];
    }),
    note:
      `${roundsDescription(report)} ` +
      'CPU s, CPU µs/req and Peak RSS are those of the processes under test (the proxy, or router + broker) inside the window; "vs" columns compare req/s; "Added p50" is p50 minus the direct p50 at the same concurrency.',
  };
}

/** "router 1.90 + broker 0.05" when several processes are under test (where the CPU goes). */
function cpuSplit(processes: ReadonlyArray<{ role: string; cpuSeconds: number }>): string {
  const underTest = processes.filter((usage) => usage.role !== UPSTREAM_ROLE);
  return underTest.length < 2 ? '—' : underTest.map((usage) => `${usage.role} ${formatSeconds(usage.cpuSeconds)}`).join(' + ');
}

function roundsDescription(report: BenchReport): string {
  const { rounds, durationMs, singleSessionDurationMs, warmupMs } = report.settings;
  const each = `${durationMs / 1000} s (${singleSessionDurationMs / 1000} s at 1 session) after ${warmupMs / 1000} s of warm-up`;
  return rounds > 1
    ? `Each row merges ${rounds} rounds of ${each}, the targets of a level alternating round by round.`
    : `Each row is one measured window of ${each}.`;
}

function toolsListTable(report: BenchReport): Table {
  return {
    title: 'tools/list through the gateway, 50 upstreams × 20 tools (scenario 4)',
    headers: ['List', 'Catalog', 'Sessions', 'lists/s', 'p50 ms', 'p90 ms', 'p99 ms', 'Errors', 'CPU µs/list', 'CPU split', 'Peak RSS MiB'],
    rows: report.results.toolsList.map((run) => [
      run.walk === 'whole-catalog' ? 'whole catalog' : 'first page',
      `${formatCount(run.toolsListed)} tools in ${run.pages} ${run.pages === 1 ? 'page' : 'pages'}`,
      String(run.sessions),
      formatRate(run.requestsPerSecond),
      formatMs(run.latency.p50Ms),
      formatMs(run.latency.p90Ms),
      formatMs(run.latency.p99Ms),
      formatCount(run.errors + run.sessionOpenErrors),
      run.underTest ? Math.round(run.underTest.cpuMicrosPerRequest).toString() : '—',
      cpuSplit(run.processes),
      formatMiB(run.underTest?.peakRssBytes),
    ]),
    note: 'A "whole catalog" list is every page, following nextCursor, timed as one operation; "first page" is one tools/list request. CPU is router + broker.',
  };
}

function idleSessionsTable(report: BenchReport): Table {
  const idle = report.results.idleSessions;
  if (!idle) return { title: 'Idle sessions (scenario 5)', headers: [], rows: [] };
  const rssOf = (memory: ReadonlyArray<{ role: string; rssBytes: number }>, role: string): number | undefined => memory.find((entry) => entry.role === role)?.rssBytes;
  return {
    title: 'Idle sessions: gateway memory (scenario 5)',
    headers: ['Sessions opened', 'Errors', 'Router RSS before → after MiB', 'Broker RSS before → after MiB', 'KiB per session', 'Seconds'],
    rows: [
      [
        `${formatCount(idle.opened)} / ${formatCount(idle.requested)}`,
        formatCount(idle.errors),
        `${formatMiB(rssOf(idle.before, 'router'))} → ${formatMiB(rssOf(idle.after, 'router'))}`,
        `${formatMiB(rssOf(idle.before, 'broker'))} → ${formatMiB(rssOf(idle.after, 'broker'))}`,
        formatKiB(idle.bytesPerSession),
        (idle.durationMs / 1000).toFixed(1),
      ],
    ],
    note: 'Each session: initialize + notifications/initialized through the router, then idle. RSS includes garbage not yet collected, so the per-session figure errs high.',
  };
}

function firstCallTable(report: BenchReport): Table {
  return {
    title: 'First call on a fresh session vs warm call (scenario 6)',
    headers: ['Target', 'Sessions', 'First p50 ms', 'First p90 ms', 'First p99 ms', 'Warm p50 ms', 'Warm p99 ms', 'Errors'],
    rows: report.results.firstCall.map((run) => [
      CALL_TARGET_LABEL[run.target],
      formatCount(run.iterations),
      formatMs(run.first.p50Ms),
      formatMs(run.first.p90Ms),
      formatMs(run.first.p99Ms),
      formatMs(run.warm.p50Ms),
      formatMs(run.warm.p99Ms),
      formatCount(run.errors),
    ]),
    note: 'The first tools/call of a session makes the gateway open its upstream session (initialize + notifications/initialized upstream); the second reuses it.',
  };
}

function skippedTable(report: BenchReport): Table {
  return {
    title: 'Skipped or failed',
    headers: ['#', 'Scenario', 'Reason'],
    rows: report.results.skipped.map((skip) => [skip.scenario, skip.label, `skipped: ${firstLine(skip.reason)}`]),
  };
}

function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? '').slice(0, 300);
}
