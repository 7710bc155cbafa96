import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { kubeconfigYaml } from './kubeconfig';
import { deploymentManifest, failureOf, rawRequest, startClientNodeFixture, type ClientNodeFixture } from './client-node-fixture';

describe('fake API server: objects through the real client-node', () => {
  let fx: ClientNodeFixture;
  beforeAll(async () => {
    fx = await startClientNodeFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('serves discovery so the generic object API maps kinds to URLs', async () => {
    const created = await fx.objects.create(deploymentManifest('discovered'));
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    const group = await rawRequest(fx.server, 'GET', '/apis');
    expect((group.body['groups'] as Array<{ name: string }>).map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'coordination.k8s.io', 'gateway.networking.k8s.io']));
    const core = await rawRequest(fx.server, 'GET', '/api/v1');
    expect(core.body['resources']).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'secrets', kind: 'Secret', namespaced: true })]));
  });

  it('creates with uid, creationTimestamp, resourceVersion and generation, and answers a duplicate with 409 AlreadyExists', async () => {
    const created = await fx.apps.createNamespacedDeployment({ namespace: 'default', body: deploymentManifest('web') });
    expect(created.metadata).toMatchObject({ generation: 1, resourceVersion: expect.stringMatching(/^\d+$/) });
    expect(created.spec?.replicas).toBe(1);
    const status = await failureOf(() => fx.apps.createNamespacedDeployment({ namespace: 'default', body: deploymentManifest('web') }));
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'deployments.apps "web" already exists' });
  });

  it('answers a missing object with a 404 NotFound Status body', async () => {
    const status = await failureOf(() => fx.core.readNamespacedSecret({ namespace: 'default', name: 'absent' }));
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', reason: 'NotFound', code: 404, message: 'secrets "absent" not found', details: { name: 'absent', kind: 'Secret' } });
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const status = await failureOf(() => fx.core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'c' } } }));
    expect(status).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
  });

  it('rejects an update carrying a stale resourceVersion with 409 Conflict', async () => {
    const first = await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cm' }, data: { a: '1' } } });
    await fx.core.replaceNamespacedConfigMap({ namespace: 'default', name: 'cm', body: { ...first, data: { a: '2' } } });
    const status = await failureOf(() => fx.core.replaceNamespacedConfigMap({ namespace: 'default', name: 'cm', body: { ...first, data: { a: '3' } } }));
    expect(status).toMatchObject({ reason: 'Conflict', code: 409 });
    expect(status.message).toContain('the object has been modified');
    expect((await fx.core.readNamespacedConfigMap({ namespace: 'default', name: 'cm' })).data).toEqual({ a: '2' });
  });

  it('keeps status writes and spec writes apart, and moves generation only on spec changes', async () => {
    const created = await fx.apps.createNamespacedDeployment({ namespace: 'default', body: { ...deploymentManifest('split'), status: { replicas: 9 } } });
    expect(created.status).toBeUndefined();
    const withStatus = await fx.apps.replaceNamespacedDeploymentStatus({ namespace: 'default', name: 'split', body: { ...created, spec: { ...(created.spec as k8s.V1DeploymentSpec), replicas: 5 }, status: { readyReplicas: 1 } } });
    expect(withStatus.status?.readyReplicas).toBe(1);
    expect(withStatus.spec?.replicas).toBe(1);
    expect(withStatus.metadata?.generation).toBe(1);
    const respec = await fx.apps.replaceNamespacedDeployment({ namespace: 'default', name: 'split', body: { ...withStatus, spec: { ...(withStatus.spec as k8s.V1DeploymentSpec), replicas: 3 }, status: { readyReplicas: 7 } } });
    expect(respec.spec?.replicas).toBe(3);
    expect(respec.status?.readyReplicas).toBe(1);
    expect(respec.metadata?.generation).toBe(2);
    const relabel = await fx.apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'split', body: { metadata: { labels: { tier: 'web' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(relabel.metadata?.generation).toBe(2);
  });

  it('does not bump resourceVersion for a write that changes nothing', async () => {
    const created = await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'same' }, data: { a: '1' } } });
    const again = await fx.core.replaceNamespacedConfigMap({ namespace: 'default', name: 'same', body: created });
    expect(again.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it('applies merge, JSON and strategic merge patches with their own semantics', async () => {
    await fx.apps.createNamespacedDeployment({ namespace: 'default', body: deploymentManifest('patched', 'default', [{ name: 'A', value: '1' }]) });
    const strategic = await fx.apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'patched', body: { spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.template.spec?.containers[0]?.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(strategic.spec?.template.spec?.containers[0]?.image).toBe('example/app:1.0');
    const json = await fx.apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'patched', body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'example/app:2.0' }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    expect(json.spec?.template.spec?.containers[0]?.image).toBe('example/app:2.0');
    const merge = await fx.apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'patched', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'example/app:3.0' }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    // A merge patch replaces lists whole: the env list is gone.
    expect(merge.spec?.template.spec?.containers[0]?.env).toBeUndefined();
    const failedTest = await failureOf(() =>
      fx.apps.patchNamespacedDeployment(
        { namespace: 'default', name: 'patched', body: [{ op: 'test', path: '/spec/replicas', value: 42 }] },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
      ),
    );
    expect(failedTest.code).toBe(422);
  });

  it('turns stringData into base64 data and rejects bad base64', async () => {
    const secret = await fx.core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' }, stringData: { token: 'hello' } } });
    expect(secret.data).toEqual({ token: Buffer.from('hello').toString('base64') });
    expect(secret.type).toBe('Opaque');
    const status = await failureOf(() => fx.core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'bad' }, data: { token: '***' } } }));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('rejects a Deployment whose selector does not match its template labels', async () => {
    const manifest = deploymentManifest('mismatch');
    manifest.spec = { ...(manifest.spec as k8s.V1DeploymentSpec), selector: { matchLabels: { app: 'other' } } };
    const status = await failureOf(() => fx.apps.createNamespacedDeployment({ namespace: 'default', body: manifest }));
    expect(status.code).toBe(422);
    expect(status.message).toContain('`selector` does not match template `labels`');
  });

  it('filters lists by label and field selectors and pages them with limit/continue', async () => {
    for (const [name, tier] of [['l1', 'web'], ['l2', 'db'], ['l3', 'web']] as const) {
      await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name, labels: { tier, group: 'listing' } } } });
    }
    const web = await fx.core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'group=listing,tier in (web)' });
    expect(web.items.map((item) => item.metadata?.name)).toEqual(['l1', 'l3']);
    const notWeb = await fx.core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'group=listing,tier!=web' });
    expect(notWeb.items.map((item) => item.metadata?.name)).toEqual(['l2']);
    const byName = await fx.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.name=l2' });
    expect(byName.items.map((item) => item.metadata?.name)).toEqual(['l2']);
    const page1 = await fx.core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'group=listing', limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.metadata?.remainingItemCount).toBe(1);
    const page2 = await fx.core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'group=listing', limit: 2, _continue: page1.metadata?._continue ?? "" });
    expect(page2.items.map((item) => item.metadata?.name)).toEqual(['l3']);
  });

  it('keeps an object with finalizers until the last finalizer is removed', async () => {
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'held', finalizers: ['example.com/cleanup'] } } });
    await fx.core.deleteNamespacedConfigMap({ namespace: 'default', name: 'held' });
    const terminating = await fx.core.readNamespacedConfigMap({ namespace: 'default', name: 'held' });
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    const noNew = await failureOf(() =>
      fx.core.patchNamespacedConfigMap({ namespace: 'default', name: 'held', body: { metadata: { finalizers: ['example.com/cleanup', 'example.com/more'] } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)),
    );
    expect(noNew.message).toContain('no new finalizers can be added');
    await fx.core.patchNamespacedConfigMap({ namespace: 'default', name: 'held', body: { metadata: { finalizers: null } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    expect((await failureOf(() => fx.core.readNamespacedConfigMap({ namespace: 'default', name: 'held' }))).code).toBe(404);
  });

  it('collects dependents in the background when their owner goes, and keeps them with orphan propagation', async () => {
    const owner = await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'owner' } } });
    const reference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? "", controller: true };
    await fx.core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'dependent', ownerReferences: [reference] } } });
    await fx.core.deleteNamespacedConfigMap({ namespace: 'default', name: 'owner' });
    await waitUntil(async () => (await fx.core.listNamespacedSecret({ namespace: 'default', fieldSelector: 'metadata.name=dependent' })).items.length === 0);

    const keeper = await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'keeper' } } });
    await fx.core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'orphan', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: keeper.metadata?.uid ?? "" }] } },
    });
    await fx.core.deleteNamespacedConfigMap({ namespace: 'default', name: 'keeper', propagationPolicy: 'Orphan' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const orphan = await fx.core.readNamespacedSecret({ namespace: 'default', name: 'orphan' });
    expect(orphan.metadata?.ownerReferences).toBeUndefined();
  });

  it('treats an owner in another namespace as absent, as the garbage collector does', async () => {
    await fx.core.createNamespace({ body: { metadata: { name: 'elsewhere' } } });
    const owner = await fx.core.createNamespacedConfigMap({ namespace: 'elsewhere', body: { metadata: { name: 'far-owner' } } });
    await fx.core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'cross-namespace-dependent', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'far-owner', uid: owner.metadata?.uid ?? "" }] } },
    });
    await waitUntil(async () => (await fx.core.listNamespacedSecret({ namespace: 'default', fieldSelector: 'metadata.name=cross-namespace-dependent' })).items.length === 0);
  });

  it('empties a deleted namespace and then removes it', async () => {
    await fx.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await fx.core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'inside' } } });
    await fx.core.deleteNamespace({ name: 'doomed' });
    const creating = await failureOf(() => fx.core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }));
    expect([403, 404]).toContain(creating.code);
    await waitUntil(async () => (await fx.core.listNamespace()).items.every((ns) => ns.metadata?.name !== 'doomed'));
  });

  it('serves coordination.k8s.io Leases with optimistic concurrency', async () => {
    const coordination = fx.kubeconfig.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coordination.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } } });
    await coordination.replaceNamespacedLease({ namespace: 'default', name: 'leader', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } } });
    const lost = await failureOf(() => coordination.replaceNamespacedLease({ namespace: 'default', name: 'leader', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } } }));
    expect(lost.code).toBe(409);
  });
});

describe('fake API server: authentication and RBAC', () => {
  let fx: ClientNodeFixture;
  let admin: ClientNodeFixture['core'];
  beforeAll(async () => {
    fx = await startClientNodeFixture({ users: { 'admin-token': { name: 'admin', groups: ['system:masters'] }, 'robot-token': { name: 'system:serviceaccount:ops:robot' } } }, 'robot-token');
    const adminConfig = new k8s.KubeConfig();
    adminConfig.loadFromString(kubeconfigYaml({ server: fx.server.url, token: 'admin-token' }));
    admin = adminConfig.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    await fx.close();
  });

  it('answers 401 without a known token and 403 for a verb no role grants, naming it', async () => {
    const anonymous = await rawRequest(fx.server, 'GET', '/api/v1/namespaces/default/secrets');
    expect(anonymous.status).toBe(401);
    const forbidden = await failureOf(() => fx.core.listNamespacedSecret({ namespace: 'default' }));
    expect(forbidden).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(forbidden.message).toBe('secrets is forbidden: User "system:serviceaccount:ops:robot" cannot list resource "secrets" in API group "" in the namespace "default"');
  });

  it('allows what a ClusterRole bound to the ServiceAccount grants, and nothing more', async () => {
    const rbac = new k8s.KubeConfig();
    rbac.loadFromString(kubeconfigYaml({ server: fx.server.url, token: 'admin-token' }));
    const rbacApi = rbac.makeApiClient(k8s.RbacAuthorizationV1Api);
    await rbacApi.createClusterRole({ body: { metadata: { name: 'secret-reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] } });
    await rbacApi.createClusterRoleBinding({
      body: { metadata: { name: 'robot-reads' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'ops' }] },
    });
    await admin.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'visible' } } });
    expect((await fx.core.listNamespacedSecret({ namespace: 'default' })).items.map((s) => s.metadata?.name)).toEqual(['visible']);
    const denied = await failureOf(() => fx.core.deleteNamespacedSecret({ namespace: 'default', name: 'visible' }));
    expect(denied.code).toBe(403);
    const recorded = fx.server.recordedRequests().filter((request) => request.user === 'system:serviceaccount:ops:robot');
    expect(recorded.map((request) => `${request.verb} ${request.resource} ${request.status}`)).toEqual(expect.arrayContaining(['list secrets 200', 'delete secrets 403']));
  });
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
