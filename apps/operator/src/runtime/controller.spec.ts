import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@mcp-gateway/telemetry';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { KubeApiError } from '../kube/kube-api-error';
import { Controller } from './controller';
import { ControllerMetrics } from './controller-metrics';
import { TerminalReconcileError, type ReconcileContext, type ReconcileRequest } from './reconciler';

function rig(reconcile: (request: ReconcileRequest, context: ReconcileContext) => Promise<{ requeueAfterMs?: number } | undefined>) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const registry = new Registry();
  const controller = new Controller({
    name: 'Widget',
    reconciler: { reconcile },
    logger: createLogger({ service: 'operator', level: 'debug', destination }),
    metrics: new ControllerMetrics(registry),
    backoff: { initialDelayMs: 10, maxDelayMs: 100 },
    initialKeys: () => ['ns/a'],
  });
  return { controller, registry, lines };
}

async function until(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('controller', () => {
  it('retries a key that hit a 409 with growing delays until it succeeds, each run with its own reconcile id', async () => {
    const runs: Array<{ at: number; id: string }> = [];
    const { controller, registry } = rig(async (request, context) => {
      runs.push({ at: Date.now(), id: context.reconcileId });
      expect(request).toEqual({ namespace: 'ns', name: 'a' });
      if (runs.length <= 3) throw new KubeApiError(409, 'Conflict', 'the object has been modified', 'patch widgets/status a');
      return undefined;
    });
    controller.start();
    await until(() => runs.length === 4);
    // Backoff 10 ms doubling: each retry waits at least its own delay. Only lower bounds:
    // a loaded machine can stretch a gap, never shorten it, and a constant delay fails the third.
    const gaps = runs.slice(1).map((run, i) => run.at - (runs[i] as { at: number }).at);
    expect(gaps).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    gaps.forEach((gap, attempt) => expect(gap).toBeGreaterThanOrEqual(10 * 2 ** attempt - 2));
    expect(new Set(runs.map((run) => run.id)).size).toBe(4);
    await controller.stop();
    const metrics = await registry.metrics();
    expect(metrics).toContain('mcp_gateway_operator_reconcile_total{controller="Widget",result="error"} 3');
    expect(metrics).toContain('mcp_gateway_operator_reconcile_total{controller="Widget",result="success"} 1');
    expect(metrics).toContain('mcp_gateway_operator_reconcile_errors_total{controller="Widget"} 3');
  });

  it('counts a terminal error and does not retry it', async () => {
    let runs = 0;
    const { controller, registry, lines } = rig(async () => {
      runs += 1;
      throw new TerminalReconcileError('spec.size must be even');
    });
    controller.start();
    await until(() => runs === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBe(1);
    await controller.stop();
    expect(await registry.metrics()).toContain('mcp_gateway_operator_reconcile_total{controller="Widget",result="terminal_error"} 1');
    expect(lines.find((line) => line['msg'] === 'reconcile failed; not retrying until the object changes')).toMatchObject({ controller: 'Widget', key: 'ns/a', reconcileID: expect.any(String), err: 'spec.size must be even' });
  });

  it('reconciles again after the delay a reconcile asks for', async () => {
    let runs = 0;
    const { controller } = rig(async () => {
      runs += 1;
      return runs === 1 ? { requeueAfterMs: 30 } : undefined;
    });
    controller.start();
    await until(() => runs === 2);
    await controller.stop();
  });
});
