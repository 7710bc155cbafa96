import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFastUpstream } from '../upstream/fast-upstream';
import type { FastUpstream } from '../upstream/fast-upstream';
import { runClosedLoop } from './closed-loop-run';
import { runFirstCall } from './first-call-run';
import { runIdleSessions } from './idle-sessions-run';
import { LoadGenerator } from './load-generator';
import type { ClosedLoopJob } from './load-job';

describe('load runs against the fast upstream', () => {
  let upstream: FastUpstream;
  let job: ClosedLoopJob;

  beforeAll(async () => {
    upstream = await startFastUpstream();
    job = {
      kind: 'closed-loop',
      endpoint: { host: '127.0.0.1', port: upstream.port, path: '/mcp' },
      operation: { method: 'tools/call', tool: 'echo', arguments: { text: 'hi' } },
      sessions: 4,
      warmupMs: 100,
      durationMs: 400,
      requestTimeoutMs: 2_000,
      watch: [{ role: 'upstream', pid: process.pid }],
    };
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('a closed loop counts successful calls, measures latency and ends its sessions', async () => {
    const result = await runClosedLoop(job);
    expect(result.sessions).toBe(4);
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(100);
    expect(result.requestsPerSecond).toBeCloseTo((result.requests / result.durationMs) * 1000);
    expect(result.latency.p50Ms).toBeGreaterThan(0);
    expect(result.latency.p99Ms).toBeGreaterThanOrEqual(result.latency.p50Ms);
    expect(result.processes[0]?.cpuSeconds).toBeGreaterThan(0);
    expect(upstream.sessionCount()).toBe(0);
  });

  it('a closed loop counts JSON-RPC errors as errors, with the reason', async () => {
    const result = await runClosedLoop({ ...job, sessions: 1, operation: { method: 'tools/call', tool: 'missing', arguments: {} } });
    expect(result.requests).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.errorSamples[0]).toContain('Unknown tool: missing');
  });

  it('a closed loop against nothing reports the sessions it could not open', async () => {
    const dead = await startFastUpstream();
    await dead.close();
    const result = await runClosedLoop({ ...job, endpoint: { ...job.endpoint, port: dead.port } });
    expect(result.sessions).toBe(0);
    expect(result.sessionOpenErrors).toBe(4);
    expect(result.requests).toBe(0);
  });

  it('a tools/list walk counts one operation per complete list', async () => {
    const result = await runClosedLoop({ ...job, sessions: 1, operation: { method: 'tools/list', allPages: true } });
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(10);
  });

  it('the idle-sessions run leaves every session open on the server', async () => {
    const before = upstream.sessionCount();
    const result = await runIdleSessions({
      kind: 'idle-sessions',
      endpoint: job.endpoint,
      sessions: 300,
      warmupSessions: 20,
      concurrency: 8,
      settleMs: 10,
      maxDurationMs: 10_000,
      watch: [{ role: 'upstream', pid: process.pid }],
    });
    expect(result).toMatchObject({ requested: 300, opened: 300, errors: 0 });
    expect(upstream.sessionCount() - before).toBe(320);
    expect(result.after[0]?.rssBytes).toBeGreaterThan(0);
  });

  it('the first-call run times the first and the second call of each fresh session', async () => {
    const before = upstream.sessionCount();
    const result = await runFirstCall({ kind: 'first-call', endpoint: job.endpoint, operation: job.operation, iterations: 5, maxDurationMs: 5_000, requestTimeoutMs: 2_000 });
    expect(result).toMatchObject({ iterations: 5, errors: 0 });
    expect(result.first.count).toBe(5);
    expect(result.warm.count).toBe(5);
    expect(upstream.sessionCount()).toBe(before);
  });

  it('the load generator runs jobs in a process of its own', async () => {
    const generator = LoadGenerator.start();
    try {
      expect(generator.pid).not.toBe(process.pid);
      const result = await generator.run({ ...job, durationMs: 200 }, 20_000);
      expect(result.kind).toBe('closed-loop');
      expect(result.requests).toBeGreaterThan(0);
    } finally {
      await generator.close();
    }
  });
});
