// The operator when the API server misbehaves: restarted mid-watch (connections refused for
// a while, watch history gone so resuming gets 410), and watches simply closed. Informers
// must relist and the reconcilers must carry on without a restart of the operator.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeKubeApiServer } from '@mcp-gateway/kube-fake';
import { waitFor } from '@mcp-gateway/testing';
import type { KubeObject } from './kube/kube-object';
import { Resources } from './kube/kube-resource';
import { ClusterActor, conditionOf } from './spec-support/cluster-actor';
import { createGateway, createUpstream, registration } from './spec-support/gateway-fixtures';
import { startInProcessOperator, type InProcessOperator } from './spec-support/operator-harness';

jest.setTimeout(20_000);

describe('operator resilience', () => {
  let server: FakeKubeApiServer;
  let directory: string;
  let actor: ClusterActor;
  let operator: InProcessOperator;
  const readyOf = async (namespace: string, name: string) => conditionOf(await actor.get(Resources.MCPServerRegistration, namespace, name), 'Ready');
  const extension: KubeObject = { apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPGatewayExtension', metadata: { name: 'edge', namespace: 'ops' }, spec: { targetRef: { name: 'edge', sectionName: 'mcp' } } };

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    directory = await mkdtemp(path.join(tmpdir(), 'operator-resilience-'));
    await server.writeKubeconfig(path.join(directory, 'kubeconfig'));
    actor = ClusterActor.fromFile(path.join(directory, 'kubeconfig'));
    await actor.installCrds();
    await actor.createNamespace('ops');
    await createGateway(actor, { namespace: 'ops', name: 'edge' });
    await actor.apply(Resources.MCPGatewayExtension, extension);
    operator = await startInProcessOperator({ kubeconfigPath: path.join(directory, 'kubeconfig') });
    await waitFor(async () => conditionOf(await actor.get(Resources.MCPGatewayExtension, 'ops', 'edge'), 'Accepted')?.status === 'True' || undefined, { what: 'the extension accepted' });
  });

  afterAll(async () => {
    await operator?.stop();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('recovers from an API server restart mid-watch: relists after 410 and reconciles what changes afterwards', async () => {
    const restartsBefore = await operator.registry.getSingleMetricAsString('mcp_gateway_operator_informer_restarts_total');
    await server.restart({ downtimeMs: 300, compactHistory: true });
    await createUpstream(actor, { namespace: 'ops', name: 'after-restart', gateway: { namespace: 'ops', name: 'edge' } });
    await actor.apply(Resources.MCPServerRegistration, registration('ops', 'after-restart', { targetRef: { name: 'after-restart' }, prefix: 'late_' }));
    await waitFor(async () => ((await readyOf('ops', 'after-restart'))?.status === 'True' ? true : undefined), { what: 'the registration made after the restart to be Ready', timeoutMs: 10_000 });
    expect(await operator.registry.getSingleMetricAsString('mcp_gateway_operator_informer_restarts_total')).not.toBe(restartsBefore);
    expect(operator.logs().some((line) => line['msg'] === 'watch failed; restarting')).toBe(true);
  });

  it('keeps reconciling when the server ends every watch (timeouts), without losing events', async () => {
    await createUpstream(actor, { namespace: 'ops', name: 'between-watches', gateway: { namespace: 'ops', name: 'edge' } });
    server.closeWatches();
    await actor.apply(Resources.MCPServerRegistration, registration('ops', 'between-watches', { targetRef: { name: 'between-watches' }, prefix: 'gap_' }));
    await waitFor(async () => ((await readyOf('ops', 'between-watches'))?.status === 'True' ? true : undefined), { what: 'the registration Ready after the watches were closed', timeoutMs: 10_000 });
  });

  it('reports and recovers from a restart that keeps the watch history (resumes without relisting)', async () => {
    await server.restart({ downtimeMs: 100, compactHistory: false });
    await actor.mergePatch(Resources.MCPGatewayExtension, 'ops', 'edge', { spec: { backendPingIntervalSeconds: 30 } });
    await waitFor(async () => (((await actor.get(Resources.MCPGatewayExtension, 'ops', 'edge'))?.['status'] as { observedGeneration?: number } | undefined)?.observedGeneration === 2 ? true : undefined), {
      what: 'the spec change observed after the restart',
      timeoutMs: 10_000,
    });
  });
});
