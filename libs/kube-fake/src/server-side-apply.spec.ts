import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { deploymentManifest, failureOf, rawRequest, startClientNodeFixture, type ClientNodeFixture } from './client-node-fixture';

describe('fake API server: server-side apply through client-node', () => {
  let fx: ClientNodeFixture;
  const apply = (object: k8s.KubernetesObject, manager = 'operator', force = true) =>
    fx.objects.patch(object, undefined, undefined, manager, force, k8s.PatchStrategy.ServerSideApply) as Promise<k8s.V1Deployment>;
  const userPatch = (name: string, body: object) =>
    fx.apps.patchNamespacedDeployment({ namespace: 'default', name, body, fieldManager: 'kubectl-patch' }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
  const containerOf = (deployment: k8s.V1Deployment) => deployment.spec?.template.spec?.containers[0] ?? { name: "absent" };

  beforeAll(async () => {
    fx = await startClientNodeFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('requires a fieldManager', async () => {
    const refused = await rawRequest(fx.server, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/x', deploymentManifest('x'), 'application/apply-patch+yaml');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('creates the object when it does not exist and records the manager in managedFields', async () => {
    const created = await apply(deploymentManifest('applied', 'default', [{ name: 'OWNED', value: '1' }]));
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.managedFields).toEqual([expect.objectContaining({ manager: 'operator', operation: 'Apply' })]);
  });

  it('keeps a user-added env var and resets an operator-owned one on the next forced apply', async () => {
    await apply(deploymentManifest('shared', 'default', [{ name: 'OWNED', value: '1' }]));
    await userPatch('shared', { spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'USER_ADDED', value: 'x' }] }] } } } });
    await userPatch('shared', { spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'OWNED', value: 'tampered' }] }] } } } });
    const reapplied = await apply(deploymentManifest('shared', 'default', [{ name: 'OWNED', value: '1' }]));
    expect(containerOf(reapplied).env).toEqual([
      { name: 'OWNED', value: '1' },
      { name: 'USER_ADDED', value: 'x' },
    ]);
  });

  it('answers a conflicting apply without force with 409 naming the field and its owner', async () => {
    await apply(deploymentManifest('contested', 'default', [{ name: 'OWNED', value: '1' }]));
    await userPatch('contested', { spec: { template: { spec: { containers: [{ name: 'main', image: 'someone/else:9' }] } } } });
    const status = await failureOf(() => apply(deploymentManifest('contested', 'default', [{ name: 'OWNED', value: '1' }]), 'operator', false));
    expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(status.message).toContain('conflict with "kubectl-patch"');
    expect(status.message).toContain('.spec.template.spec.containers[name="main"].image');
  });

  it('removes fields the manager stops applying, but not fields another manager owns', async () => {
    await apply(deploymentManifest('shrinking', 'default', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    await userPatch('shrinking', { metadata: { labels: { team: 'blue' } } });
    const after = await apply(deploymentManifest('shrinking', 'default', [{ name: 'A', value: '1' }]));
    expect(containerOf(after).env).toEqual([{ name: 'A', value: '1' }]);
    expect(after.metadata?.labels).toEqual({ team: 'blue' });
  });

  it('leaves a replica count it does not apply to whoever set it', async () => {
    await apply(deploymentManifest('scaled'));
    await userPatch('scaled', { spec: { replicas: 4 } });
    const after = await apply(deploymentManifest('scaled', 'default', [{ name: 'NEW', value: 'v' }]));
    expect(after.spec?.replicas).toBe(4);
  });

  it('changes nothing, not even resourceVersion, when the same configuration is applied again', async () => {
    const first = await apply(deploymentManifest('stable', 'default', [{ name: 'A', value: '1' }]));
    const second = await apply(deploymentManifest('stable', 'default', [{ name: 'A', value: '1' }]));
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });
});

describe('fake API server: server-side apply of maps that grow', () => {
  it('keeps a map the manager first applied empty and then filled', async () => {
    const fx = await startClientNodeFixture();
    try {
      const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'growing', namespace: 'default' }, data });
      await fx.objects.patch(secret({}), undefined, undefined, 'operator', true, k8s.PatchStrategy.ServerSideApply);
      const grown = (await fx.objects.patch(secret({ key: Buffer.from('v').toString('base64') }), undefined, undefined, 'operator', true, k8s.PatchStrategy.ServerSideApply)) as k8s.V1Secret;
      expect(grown.data).toEqual({ key: Buffer.from('v').toString('base64') });
    } finally {
      await fx.close();
    }
  });
});

describe('fake API server: server-side apply to a shared status', () => {
  it('lets two managers own conditions in one listener entry, and an empty apply take back only its own', async () => {
    const fx = await startClientNodeFixture();
    try {
      const gateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'shared', namespace: 'default' } };
      await fx.objects.create({ ...gateway, spec: { gatewayClassName: 'x', listeners: [{ name: 'mcp', port: 80, protocol: 'HTTP' }] } } as k8s.KubernetesObject);
      const applyStatus = (manager: string, status: object | undefined) =>
        fx.custom.patchNamespacedCustomObjectStatus(
          { group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'default', plural: 'gateways', name: 'shared', body: { ...gateway, ...(status === undefined ? {} : { status }) }, fieldManager: manager, force: true },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
        ) as Promise<{ status?: { listeners?: Array<{ name: string; attachedRoutes?: number; conditions: Array<{ type: string }> }> } }>;
      await applyStatus('controller', { listeners: [{ name: 'mcp', attachedRoutes: 1, conditions: [{ type: 'Accepted', status: 'True' }] }] });
      const both = await applyStatus('extension', { listeners: [{ name: 'mcp', conditions: [{ type: 'example.com/Extra', status: 'True' }] }] });
      expect(both.status?.listeners?.[0]?.conditions.map((condition) => condition.type)).toEqual(['Accepted', 'example.com/Extra']);
      const released = await applyStatus('extension', undefined);
      expect(released.status?.listeners).toEqual([{ name: 'mcp', attachedRoutes: 1, conditions: [{ type: 'Accepted', status: 'True' }] }]);
    } finally {
      await fx.close();
    }
  });
});
