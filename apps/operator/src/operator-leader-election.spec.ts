// Two operator processes (the real entry point, as a Deployment with two replicas runs it)
// against one API server: exactly one leads and reconciles; when it stops, the other takes
// the Lease and carries on. Leadership is read from the Lease and from each process's
// /metrics, reconciling from the objects' status.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeKubeApiServer } from '@mcp-gateway/kube-fake';
import { startProcess, waitFor, type ManagedProcess } from '@mcp-gateway/testing';
import type { KubeObject } from './kube/kube-object';
import { Resources } from './kube/kube-resource';
import { ClusterActor, conditionOf, REPOSITORY_ROOT } from './spec-support/cluster-actor';
import { createGateway } from './spec-support/gateway-fixtures';

jest.setTimeout(45_000);

interface OperatorProcess {
  readonly identity: string;
  readonly process: ManagedProcess;
  readonly probePort: number;
}

async function metricsOf(operator: OperatorProcess): Promise<string> {
  return (await fetch(`http://127.0.0.1:${operator.probePort}/metrics`)).text();
}

describe('leader election between two operator processes', () => {
  let server: FakeKubeApiServer;
  let directory: string;
  let actor: ClusterActor;
  const operators: OperatorProcess[] = [];

  const startOperatorProcess = async (identity: string): Promise<OperatorProcess> => {
    const process = await startProcess(
      'node',
      [
        '--import',
        'tsx',
        path.join(REPOSITORY_ROOT, 'apps/operator/src/main.ts'),
        '--kubeconfig',
        path.join(directory, 'kubeconfig'),
        '--probe-port',
        '0',
        '--identity',
        identity,
        '--leader-election-namespace',
        'mcp-system',
        '--lease-duration-seconds',
        '2',
        '--renew-deadline-seconds',
        '1.5',
        '--retry-period-seconds',
        '0.2',
      ],
      { cwd: REPOSITORY_ROOT, readyPattern: /"msg":"operator started"/, readyTimeoutMs: 20_000 },
    );
    const started = await process.waitForOutput(/"probePort":(\d+)/);
    return { identity, process, probePort: Number(started[1]) };
  };

  const holder = async () => ((await actor.get(Resources.Lease, 'mcp-system', 'mcp-gateway-operator'))?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity;
  // One Gateway each: two extensions on one listener would conflict.
  const extension = (name: string): KubeObject => ({ apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPGatewayExtension', metadata: { name, namespace: 'mcp-system' }, spec: { targetRef: { name } } });
  const accepted = (name: string) =>
    waitFor(async () => (conditionOf(await actor.get(Resources.MCPGatewayExtension, 'mcp-system', name), 'Accepted')?.status === 'True' ? true : undefined), { what: `${name} accepted`, timeoutMs: 15_000 });

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    directory = await mkdtemp(path.join(tmpdir(), 'operator-election-'));
    await server.writeKubeconfig(path.join(directory, 'kubeconfig'));
    actor = ClusterActor.fromFile(path.join(directory, 'kubeconfig'));
    await actor.installCrds();
    await actor.createNamespace('mcp-system');
    for (const name of ['first', 'second', 'third']) await createGateway(actor, { namespace: 'mcp-system', name });
    operators.push(...(await Promise.all([startOperatorProcess('operator-a'), startOperatorProcess('operator-b')])));
  });

  afterAll(async () => {
    await Promise.all(operators.map((operator) => operator.process.stop()));
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('elects exactly one leader, which alone reconciles', async () => {
    const leaderIdentity = await waitFor(holder, { what: 'a Lease holder', timeoutMs: 15_000 });
    await actor.apply(Resources.MCPGatewayExtension, extension('first'));
    await accepted('first');
    const leader = operators.find((operator) => operator.identity === leaderIdentity) as OperatorProcess;
    const standby = operators.find((operator) => operator.identity !== leaderIdentity) as OperatorProcess;
    expect(await metricsOf(leader)).toMatch(/mcp_gateway_operator_leader\{[^}]*\} 1/);
    expect(await metricsOf(standby)).toMatch(/mcp_gateway_operator_leader\{[^}]*\} 0/);
    expect(await metricsOf(standby)).not.toMatch(/mcp_gateway_operator_reconcile_total\{/);
    expect(standby.process.output()).not.toContain('starting controllers');
  });

  it('fails over when the leader stops: the standby takes the Lease and reconciles new objects', async () => {
    const leaderIdentity = await holder();
    const leader = operators.find((operator) => operator.identity === leaderIdentity) as OperatorProcess;
    const standby = operators.find((operator) => operator.identity !== leaderIdentity) as OperatorProcess;
    await leader.process.stop('SIGTERM');
    expect(leader.process.output()).toContain('released leadership');
    await waitFor(async () => ((await holder()) === standby.identity ? true : undefined), { what: 'the standby to take the Lease', timeoutMs: 10_000 });
    await actor.apply(Resources.MCPGatewayExtension, extension('second'));
    await accepted('second');
    expect(await metricsOf(standby)).toMatch(/mcp_gateway_operator_leader\{[^}]*\} 1/);
  });

  it('takes over from a leader that dies without releasing the Lease once the Lease expires', async () => {
    const replacement = await startOperatorProcess('operator-c');
    operators.push(replacement);
    const leaderIdentity = await holder();
    const current = operators.find((operator) => operator.identity === leaderIdentity) as OperatorProcess;
    await current.process.kill();
    const before = Date.now();
    await waitFor(async () => ((await holder()) === 'operator-c' ? true : undefined), { what: 'operator-c to take the expired Lease', timeoutMs: 15_000 });
    // Not before the 2 s lease duration has run out on operator-c's own clock.
    expect(Date.now() - before).toBeGreaterThanOrEqual(1_000);
    await actor.apply(Resources.MCPGatewayExtension, extension('third'));
    await accepted('third');
  });
});
