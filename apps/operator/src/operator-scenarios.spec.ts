// The operator end to end against the in-memory API server, driven by the real client-node
// (and kubectl for the release-notes manifests). The operator runs as its ServiceAccount,
// bound to nothing but the generated ClusterRole and leader-election Role, on a server that
// enforces RBAC: a call the roles do not allow fails these scenarios.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseGatewayConfig } from '@mcp-gateway/config';
import type { Condition } from '@mcp-gateway/crd';
import { FakeKubeApiServer } from '@mcp-gateway/kube-fake';
import { waitFor } from '@mcp-gateway/testing';
import { parse } from 'yaml';
import { DEFAULT_COMPONENT_IMAGES } from './gateway-extension/component-images';
import type { KubeObject } from './kube/kube-object';
import { Resources, type KubeResource } from './kube/kube-resource';
import { OPERATOR_PERMISSIONS, resourceName } from './rbac/operator-permissions';
import { leaderElectionRole, operatorClusterRole, OPERATOR_CLUSTER_ROLE_NAME, LEADER_ELECTION_ROLE_NAME } from './rbac/operator-rbac-manifests';
import { REGISTRATION_FINALIZER } from './server-registration/server-registration-reconciler';
import { ClusterActor, conditionOf, secretText } from './spec-support/cluster-actor';
import { createGateway, createUpstream, grantReference, listenerConditions, registration } from './spec-support/gateway-fixtures';
import { LISTENER_CONDITION_TYPE } from './gateway-extension/gateway-listener-status';
import { KubectlRunner, kubectlAvailable } from './spec-support/kubectl-runner';
import { createGatewayClasses, installEnvoyWiringCrds } from './spec-support/envoy-wiring-crds';
import { FAST_LEADER_ELECTION, startInProcessOperator, type InProcessOperator } from './spec-support/operator-harness';
import { RELEASE_NOTES_EXTENSION, RELEASE_NOTES_EXTENSION_WITH_SESSION_STORE } from '@mcp-gateway/crd';

const OPERATOR_USER = 'system:serviceaccount:mcp-system:mcp-gateway-operator';
const MCP = { group: 'mcp.kuadrant.io', kind: 'MCPGatewayExtension' };
const GATEWAY = { group: 'gateway.networking.k8s.io', kind: 'Gateway' };

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: unknown;
  securityContext?: Record<string, unknown>;
}
interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string } }>;
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
}
const podSpec = (deployment: KubeObject | undefined) => ((deployment?.['spec'] ?? {}) as { template: { spec: PodSpec } }).template.spec;
const containerOf = (deployment: KubeObject | undefined) => podSpec(deployment).containers[0] as Container;
const envOf = (deployment: KubeObject | undefined, name: string) => containerOf(deployment).env?.find((entry) => entry.name === name);

jest.setTimeout(20_000);

describe('operator scenarios (in-process operator bound to the generated RBAC)', () => {
  let server: FakeKubeApiServer;
  let directory: string;
  let actor: ClusterActor;
  let kubectl: KubectlRunner;
  let operator: InProcessOperator;

  const get = (resource: KubeResource, namespace: string, name: string) => actor.get(resource, namespace, name);
  const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5_000) => waitFor(probe, { what, timeoutMs, intervalMs: 20 });
  const condition = async (resource: KubeResource, namespace: string, name: string, type = 'Ready'): Promise<Condition | undefined> => conditionOf(await get(resource, namespace, name), type);
  const readyReason = (resource: KubeResource, namespace: string, name: string, reason: string, status = 'False') =>
    eventually(`${resource.kind} ${namespace}/${name} Ready=${status} ${reason}`, async () => {
      const ready = await condition(resource, namespace, name);
      return ready?.reason === reason && ready.status === status ? ready : undefined;
    });
  const configOf = async (namespace: string, extension: string) => parseGatewayConfig(secretText(await get(Resources.Secret, namespace, `${extension}-config`), 'gateway.yaml') ?? 'invalid: [', {});
  const makeReady = async (namespace: string, extension: string) => {
    for (const component of ['broker', 'router']) {
      await eventually(`${component} Deployment`, () => get(Resources.Deployment, namespace, `${extension}-${component}`));
      await actor.markDeploymentAvailable(namespace, `${extension}-${component}`);
    }
  };
  const extension = (namespace: string, name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPGatewayExtension', metadata: { name, namespace }, spec });

  beforeAll(async () => {
    // kubectl sends no bearer token over plain http: requests without one are the admin's.
    server = await FakeKubeApiServer.start({ users: { 'admin-token': { name: 'admin', groups: ['system:masters'] }, 'operator-token': { name: OPERATOR_USER } }, anonymous: { name: 'admin', groups: ['system:masters'] } });
    directory = await mkdtemp(path.join(tmpdir(), 'operator-scenarios-'));
    await server.writeKubeconfig(path.join(directory, 'admin.kubeconfig'), { token: 'admin-token' });
    await server.writeKubeconfig(path.join(directory, 'operator.kubeconfig'), { token: 'operator-token' });
    actor = ClusterActor.fromFile(path.join(directory, 'admin.kubeconfig'));
    kubectl = new KubectlRunner(path.join(directory, 'admin.kubeconfig'), path.join(directory, 'kubectl'));
    await actor.installCrds();
    for (const namespace of ['mcp-system', 'gateway-system', 'team-a', 'team-b']) await actor.createNamespace(namespace);
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    const subjects = [{ kind: 'ServiceAccount', name: 'mcp-gateway-operator', namespace: 'mcp-system' }];
    for (const [url, body] of [
      [`${rbac}/clusterroles`, operatorClusterRole()],
      [`${rbac}/namespaces/mcp-system/roles`, leaderElectionRole('mcp-system')],
      [`${rbac}/clusterrolebindings`, { metadata: { name: 'mcp-gateway-operator' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_CLUSTER_ROLE_NAME }, subjects }],
      [`${rbac}/namespaces/mcp-system/rolebindings`, { metadata: { name: 'mcp-gateway-operator-leader-election' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: LEADER_ELECTION_ROLE_NAME }, subjects }],
    ] as const) {
      const created = await actor.raw('POST', url, body);
      expect(created.status).toBe(201);
    }
    operator = await startInProcessOperator({ kubeconfigPath: path.join(directory, 'operator.kubeconfig'), leaderElection: { ...FAST_LEADER_ELECTION, namespace: 'mcp-system' } });
    await eventually('the operator to lead', async () => (operator.operator.isLeader() && operator.operator.ready() ? true : undefined));
  });

  afterAll(async () => {
    await operator?.stop();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  describe('the release notes examples', () => {
    beforeAll(async () => {
      await createGateway(actor, { namespace: 'gateway-system', name: 'mcp-gateway', listeners: [{ name: 'mcp', hostname: 'mcp.example.com', from: 'All' }, { name: 'web' }] });
      await grantReference(actor, 'gateway-system', 'mcp-extensions-from-default', { ...MCP, namespace: 'default' }, GATEWAY);
    });

    (kubectlAvailable ? it : it.skip)('the listener example, applied with kubectl, becomes Deployments, Services, Secrets and an HTTPRoute owned by the extension', async () => {
      expect(await kubectl.applyManifest(RELEASE_NOTES_EXTENSION)).toContain('mcpgatewayextension.mcp.kuadrant.io/mcp-gateway created');
      const owner = await eventually('the extension', () => get(Resources.MCPGatewayExtension, 'default', 'mcp-gateway'));
      const broker = await eventually('broker Deployment', () => get(Resources.Deployment, 'default', 'mcp-gateway-broker'));
      const router = await eventually('router Deployment', () => get(Resources.Deployment, 'default', 'mcp-gateway-router'));

      for (const deployment of [broker, router]) {
        expect(deployment.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'MCPGatewayExtension', name: 'mcp-gateway', uid: owner.metadata.uid, controller: true })]);
        expect((deployment['spec'] as { replicas: number }).replicas).toBe(1);
        const container = containerOf(deployment);
        expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
        expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
        expect(container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: '64Mi' } });
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(podSpec(deployment).securityContext).toMatchObject({ runAsNonRoot: true });
        expect(envOf(deployment, 'GATEWAY_CONFIG')?.value).toBe('/etc/mcp-gateway/gateway.yaml');
        expect(envOf(deployment, 'GATEWAY_SESSION_SECRET')?.valueFrom?.secretKeyRef).toEqual({ name: 'mcp-gateway-session-signing', key: 'GATEWAY_SESSION_SECRET' });
        expect(envOf(deployment, 'CACHE_CONNECTION_STRING')).toBeUndefined();
        expect(podSpec(deployment).volumes).toEqual(expect.arrayContaining([{ name: 'config', secret: { secretName: 'mcp-gateway-config' } }]));
      }
      expect(containerOf(broker).image).toBe(DEFAULT_COMPONENT_IMAGES.broker);
      expect(containerOf(router).image).toBe(DEFAULT_COMPONENT_IMAGES.router);
      expect(envOf(router, 'BROKER_URL')?.value).toBe('http://mcp-gateway-broker.default.svc.cluster.local:8081');
      expect(envOf(router, 'BROKER_GRPC_ADDRESS')?.value).toBe('mcp-gateway-broker.default.svc.cluster.local:50051');

      const brokerService = await eventually('broker Service', () => get(Resources.Service, 'default', 'mcp-gateway-broker'));
      expect((brokerService['spec'] as { ports: Array<{ port: number }> }).ports.map((port) => port.port)).toEqual([8081, 50051]);
      expect(await get(Resources.Service, 'default', 'mcp-gateway-router')).toBeDefined();
      expect(await get(Resources.ServiceAccount, 'default', 'mcp-gateway-broker')).toBeDefined();
      expect(await get(Resources.ServiceAccount, 'default', 'mcp-gateway-router')).toBeDefined();

      const config = await configOf('default', 'mcp-gateway');
      expect(config.servers).toEqual([]);
      expect(config.broker.pingIntervalMs).toBe(60_000);
      expect(config.security.allowedHosts).toEqual(expect.arrayContaining(['mcp.example.com', 'mcp-gateway-router.default.svc.cluster.local']));
      const signingKey = secretText(await get(Resources.Secret, 'default', 'mcp-gateway-session-signing'), 'GATEWAY_SESSION_SECRET') ?? '';
      expect(signingKey.length).toBeGreaterThanOrEqual(32);

      const route = await eventually('HTTPRoute', () => get(Resources.HTTPRoute, 'default', 'mcp-gateway-mcp'));
      expect(route['spec']).toMatchObject({
        parentRefs: [{ name: 'mcp-gateway', namespace: 'gateway-system', sectionName: 'mcp' }],
        rules: [
          { matches: [{ path: { type: 'Exact', value: '/mcp' } }], backendRefs: [{ name: 'mcp-gateway-router', port: 8080 }] },
          { matches: [{ path: { type: 'PathPrefix', value: '/.well-known/oauth-protected-resource' } }], backendRefs: [{ name: 'mcp-gateway-broker', port: 8081 }] },
        ],
      });
    });

    (kubectlAvailable ? it : it.skip)('the extension is Ready only once both Deployments report available replicas, with an Event for each transition', async () => {
      const notReady = await readyReason(Resources.MCPGatewayExtension, 'default', 'mcp-gateway', 'DeploymentNotReady');
      expect(notReady.message).toContain('broker: 0/1 replicas available');
      expect(await condition(Resources.MCPGatewayExtension, 'default', 'mcp-gateway', 'Accepted')).toMatchObject({ status: 'True', observedGeneration: 1 });
      await makeReady('default', 'mcp-gateway');
      const ready = await readyReason(Resources.MCPGatewayExtension, 'default', 'mcp-gateway', 'Ready', 'True');
      expect(ready.observedGeneration).toBe(1);
      const eventReasons = async () => {
        const events = await actor.raw('GET', '/apis/events.k8s.io/v1/namespaces/default/events');
        return (events.body['items'] as Array<{ reason: string; regarding: { name: string } }>).filter((event) => event.regarding.name === 'mcp-gateway').map((event) => event.reason);
      };
      // The Event follows the status write it describes.
      await eventually('a Ready Event', async () => ((await eventReasons()).includes('Ready') ? true : undefined));
      expect(await eventReasons()).toEqual(expect.arrayContaining(['DeploymentNotReady', 'Ready']));
      expect(await kubectl.run('get', 'mcpge', 'mcp-gateway')).toMatch(/mcp-gateway\s+True\s+mcp-gateway\s+mcp/);
    });

    it("notes on the Gateway listener's status that the extension programs it, beside the Gateway controller's conditions", async () => {
      await eventually('the listener condition', async () => ((await listenerConditions(actor, 'gateway-system', 'mcp-gateway'))['mcp']?.includes(LISTENER_CONDITION_TYPE) ? true : undefined));
      expect(await listenerConditions(actor, 'gateway-system', 'mcp-gateway')).toEqual({ mcp: ['Accepted', 'Programmed', LISTENER_CONDITION_TYPE], web: ['Accepted', 'Programmed'] });
    });

    (kubectlAvailable ? it : it.skip)('the session-store example waits for its Secret, then injects the Redis URL from it', async () => {
      expect(await kubectl.applyManifest(RELEASE_NOTES_EXTENSION_WITH_SESSION_STORE)).toContain('configured');
      const missing = await readyReason(Resources.MCPGatewayExtension, 'default', 'mcp-gateway', 'SecretNotFound');
      expect(missing.message).toBe('session store Secret default/redis-credentials not found');
      await actor.secret('default', 'redis-credentials', { CACHE_CONNECTION_STRING: 'redis://redis.default.svc.cluster.local:6379' });
      await eventually('CACHE_CONNECTION_STRING on both Deployments', async () => {
        const deployments = await Promise.all(['broker', 'router'].map((component) => get(Resources.Deployment, 'default', `mcp-gateway-${component}`)));
        return deployments.every((deployment) => envOf(deployment, 'CACHE_CONNECTION_STRING')?.valueFrom?.secretKeyRef?.name === 'redis-credentials') ? true : undefined;
      });
      await readyReason(Resources.MCPGatewayExtension, 'default', 'mcp-gateway', 'DeploymentNotReady');
      await makeReady('default', 'mcp-gateway');
      const ready = await readyReason(Resources.MCPGatewayExtension, 'default', 'mcp-gateway', 'Ready', 'True');
      expect(ready.observedGeneration).toBe(2);
    });
  });

  describe('server registrations', () => {
    beforeAll(async () => {
      await createGateway(actor, { namespace: 'team-a', name: 'shared', listeners: [{ name: 'mcp', hostname: 'tools.example.com', from: 'All' }] });
      await actor.apply(Resources.MCPGatewayExtension, extension('team-a', 'tools', { targetRef: { name: 'shared', sectionName: 'mcp' } }));
      await makeReady('team-a', 'tools');
      await readyReason(Resources.MCPGatewayExtension, 'team-a', 'tools', 'Ready', 'True');
      await createUpstream(actor, { namespace: 'team-a', name: 'weather', gateway: { namespace: 'team-a', name: 'shared', sectionName: 'mcp' } });
      await createUpstream(actor, { namespace: 'team-b', name: 'forecast', port: 9000, gateway: { namespace: 'team-a', name: 'shared' } });
    });

    it('writes a registration into the config Secret, with its credential as a file, and reports it Ready', async () => {
      await actor.secret('team-a', 'weather-api', { token: 'Bearer s3cr3t-value' });
      await actor.apply(Resources.MCPServerRegistration, registration('team-a', 'weather', { targetRef: { name: 'weather' }, prefix: 'weather_', credentialRef: { name: 'weather-api', key: 'token' } }));
      const ready = await readyReason(Resources.MCPServerRegistration, 'team-a', 'weather', 'Ready', 'True');
      expect(ready.message).toContain('http://weather.team-a.svc.cluster.local:8080/mcp');
      const config = await configOf('team-a', 'tools');
      expect(config.servers).toEqual([
        {
          name: 'team-a-weather',
          url: 'http://weather.team-a.svc.cluster.local:8080/mcp',
          prefix: 'weather_',
          enabled: true,
          headers: {},
          credential: { header: 'Authorization', valueFromFile: '/var/run/mcp-gateway/credentials/team-a.weather' },
        },
      ]);
      expect(secretText(await get(Resources.Secret, 'team-a', 'tools-credentials'), 'team-a.weather')).toBe('Bearer s3cr3t-value');
      const stored = await get(Resources.MCPServerRegistration, 'team-a', 'weather');
      expect(stored?.metadata.finalizers).toEqual([REGISTRATION_FINALIZER]);
      expect(JSON.stringify(stored?.['status'])).not.toContain('s3cr3t');
      expect(JSON.stringify(operator.logs())).not.toContain('s3cr3t');
    });

    it('gives a prefix to the older of two registrations; the newer reports PrefixConflict until the older goes', async () => {
      await actor.apply(Resources.MCPServerRegistration, registration('team-b', 'forecast', { targetRef: { name: 'forecast' }, prefix: 'weather_' }));
      const conflict = await readyReason(Resources.MCPServerRegistration, 'team-b', 'forecast', 'PrefixConflict');
      expect(conflict.message).toContain('older MCPServerRegistration team-a/weather');
      expect((await configOf('team-a', 'tools')).servers.map((server) => server.name)).toEqual(['team-a-weather']);

      await actor.delete(Resources.MCPServerRegistration, 'team-a', 'weather');
      await readyReason(Resources.MCPServerRegistration, 'team-b', 'forecast', 'Ready', 'True');
      await eventually('the deleted registration to be released by its finalizer', async () => ((await get(Resources.MCPServerRegistration, 'team-a', 'weather')) === undefined ? true : undefined));
      const config = await configOf('team-a', 'tools');
      expect(config.servers.map((server) => [server.name, server.url])).toEqual([['team-b-forecast', 'http://forecast.team-b.svc.cluster.local:9000/mcp']]);
      expect(secretText(await get(Resources.Secret, 'team-a', 'tools-credentials'), 'team-a.weather')).toBeUndefined();
    });

    it('reports a missing route, backend, credential Secret or key with a reason and a message to act on', async () => {
      await actor.apply(Resources.MCPServerRegistration, registration('team-a', 'lost', { targetRef: { name: 'no-such-route' }, prefix: 'lost_' }));
      expect((await readyReason(Resources.MCPServerRegistration, 'team-a', 'lost', 'TargetNotFound')).message).toBe('HTTPRoute team-a/no-such-route not found');

      await actor.apply(Resources.HTTPRoute, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'dangling', namespace: 'team-a' }, spec: { parentRefs: [{ name: 'shared' }], rules: [{ backendRefs: [{ name: 'gone', port: 80 }] }] } });
      await actor.apply(Resources.MCPServerRegistration, registration('team-a', 'dangling', { targetRef: { name: 'dangling' }, prefix: 'dangling_' }));
      expect((await readyReason(Resources.MCPServerRegistration, 'team-a', 'dangling', 'BackendNotFound')).message).toBe('Service team-a/gone (backend of HTTPRoute team-a/dangling) not found');

      await createUpstream(actor, { namespace: 'team-a', name: 'locked', gateway: { namespace: 'team-a', name: 'shared' } });
      await actor.apply(Resources.MCPServerRegistration, registration('team-a', 'locked', { targetRef: { name: 'locked' }, prefix: 'locked_', credentialRef: { name: 'locked-api', key: 'token' } }));
      expect((await readyReason(Resources.MCPServerRegistration, 'team-a', 'locked', 'SecretNotFound')).message).toBe('credential Secret team-a/locked-api not found');
      await actor.secret('team-a', 'locked-api', { other: 'x' });
      expect((await readyReason(Resources.MCPServerRegistration, 'team-a', 'locked', 'SecretInvalid')).message).toContain('has no (or an empty) key "token"');
      await actor.secret('team-a', 'locked-api', { token: 'Bearer later' });
      await readyReason(Resources.MCPServerRegistration, 'team-a', 'locked', 'Ready', 'True');
      expect((await configOf('team-a', 'tools')).servers.map((server) => server.name)).not.toContain('team-a-dangling');
    });

    it('rejects a prefix change at the API (CEL immutability) and keeps the registration as it was', async () => {
      await expect(actor.mergePatch(Resources.MCPServerRegistration, 'team-a', 'locked', { spec: { prefix: 'renamed_' } })).rejects.toMatchObject({ code: 422 });
    });

    it('keeps a Disabled registration in the config as disabled and reports it', async () => {
      await actor.mergePatch(Resources.MCPServerRegistration, 'team-a', 'locked', { spec: { state: 'Disabled' } });
      await readyReason(Resources.MCPServerRegistration, 'team-a', 'locked', 'Disabled');
      await eventually('the server disabled in the config', async () => ((await configOf('team-a', 'tools')).servers.find((server) => server.name === 'team-a-locked')?.enabled === false ? true : undefined));
    });
  });

  describe('targets', () => {
    it('reports a missing Gateway, then a missing listener, then accepts once both exist', async () => {
      await actor.apply(Resources.MCPGatewayExtension, extension('team-b', 'early', { targetRef: { name: 'later', sectionName: 'mcp' } }));
      expect((await readyReason(Resources.MCPGatewayExtension, 'team-b', 'early', 'TargetNotFound')).message).toBe('Gateway team-b/later not found');
      await createGateway(actor, { namespace: 'team-b', name: 'later', listeners: [{ name: 'http', from: 'Same' }] });
      expect((await readyReason(Resources.MCPGatewayExtension, 'team-b', 'early', 'ListenerNotFound')).message).toBe('Gateway team-b/later has no listener named "mcp" (listeners: http)');
      await createGateway(actor, { namespace: 'team-b', name: 'later', listeners: [{ name: 'http', from: 'Same' }, { name: 'mcp', from: 'Same' }] });
      await readyReason(Resources.MCPGatewayExtension, 'team-b', 'early', 'DeploymentNotReady');
      expect(await condition(Resources.MCPGatewayExtension, 'team-b', 'early', 'Accepted')).toMatchObject({ status: 'True' });
    });

    it('needs a ReferenceGrant for a Gateway in another namespace, and a listener that admits its route', async () => {
      await createGateway(actor, { namespace: 'gateway-system', name: 'strict', listeners: [{ name: 'mcp', from: 'Selector', selector: { 'mcp-gateway': 'allowed' } }] });
      await actor.apply(Resources.MCPGatewayExtension, extension('team-a', 'crossing', { targetRef: { name: 'strict', namespace: 'gateway-system', sectionName: 'mcp' } }));
      const denied = await readyReason(Resources.MCPGatewayExtension, 'team-a', 'crossing', 'ReferenceGrantRequired');
      expect(denied.message).toContain('a ReferenceGrant in namespace gateway-system must allow MCPGatewayExtension');
      await grantReference(actor, 'gateway-system', 'team-a-extensions', { ...MCP, namespace: 'team-a' }, { ...GATEWAY });
      expect((await readyReason(Resources.MCPGatewayExtension, 'team-a', 'crossing', 'RoutesNotAllowed')).message).toContain('does not admit HTTPRoutes from namespace team-a');
      await actor.client.mergePatch(Resources.Namespace, undefined, 'team-a', { metadata: { labels: { 'mcp-gateway': 'allowed' } } });
      await readyReason(Resources.MCPGatewayExtension, 'team-a', 'crossing', 'DeploymentNotReady');
    });

    it('lets the older of two extensions on one listener have it', async () => {
      await actor.apply(Resources.MCPGatewayExtension, extension('team-b', 'second', { targetRef: { name: 'later', sectionName: 'mcp' } }));
      expect((await readyReason(Resources.MCPGatewayExtension, 'team-b', 'second', 'Conflict')).message).toContain('MCPGatewayExtension team-b/early (older) already serves this listener');
    });
  });

  describe('changes made by the user and by the spec', () => {
    it('applies a spec change to the config and the route, and records the new observedGeneration', async () => {
      await actor.mergePatch(Resources.MCPGatewayExtension, 'team-a', 'tools', { spec: { backendPingIntervalSeconds: 120, publicHost: 'mcp.tools.example.com', logLevel: 'debug' } });
      await eventually('the new ping interval in the config', async () => ((await configOf('team-a', 'tools')).broker.pingIntervalMs === 120_000 ? true : undefined));
      const config = await configOf('team-a', 'tools');
      expect(config.logLevel).toBe('debug');
      expect(config.security.allowedHosts).toContain('mcp.tools.example.com');
      await eventually('the public host on the HTTPRoute', async () => (JSON.stringify(((await get(Resources.HTTPRoute, 'team-a', 'tools-mcp'))?.['spec'] as { hostnames?: string[] }).hostnames) === '["mcp.tools.example.com"]' ? true : undefined));
      await eventually('observedGeneration 2', async () => ((await get(Resources.MCPGatewayExtension, 'team-a', 'tools'))?.['status'] as { observedGeneration?: number } | undefined)?.observedGeneration === 2 ? true : undefined);
    });

    it('keeps a user-added env var, flag and volume and a user-set replica count, and resets what the operator owns', async () => {
      await actor.secret('team-a', 'tools-redis', { CACHE_CONNECTION_STRING: 'rediss://redis.team-a.svc:6380' });
      await actor.mergePatch(Resources.MCPGatewayExtension, 'team-a', 'tools', { spec: { sessionStore: { secretName: 'tools-redis' } } });
      await eventually('the session store on the broker', async () => (envOf(await get(Resources.Deployment, 'team-a', 'tools-broker'), 'CACHE_CONNECTION_STRING') ? true : undefined));
      await actor.strategicPatch(Resources.Deployment, 'team-a', 'tools-broker', {
        spec: {
          replicas: 3,
          template: {
            spec: {
              containers: [{ name: 'broker', args: ['--extra-flag'], env: [{ name: 'USER_TRACE', value: 'on' }, { name: 'GATEWAY_CONFIG', value: '/tmp/tampered.yaml' }], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
              volumes: [{ name: 'scratch', emptyDir: {} }],
            },
          },
        },
      });
      await actor.mergePatch(Resources.MCPGatewayExtension, 'team-a', 'tools', { spec: { backendPingIntervalSeconds: 90 } });
      const broker = await eventually('GATEWAY_CONFIG reset by the operator', async () => {
        const deployment = await get(Resources.Deployment, 'team-a', 'tools-broker');
        return envOf(deployment, 'GATEWAY_CONFIG')?.value === '/etc/mcp-gateway/gateway.yaml' ? deployment : undefined;
      });
      expect(envOf(broker, 'USER_TRACE')?.value).toBe('on');
      expect(containerOf(broker).args).toEqual(['--extra-flag']);
      expect(podSpec(broker).volumes?.map((volume) => volume.name)).toEqual(expect.arrayContaining(['config', 'credentials', 'scratch']));
      expect((broker['spec'] as { replicas: number }).replicas).toBe(3);
    });

    it('deletes the HTTPRoute it created when route management is switched off', async () => {
      await actor.mergePatch(Resources.MCPGatewayExtension, 'team-a', 'tools', { spec: { httpRouteManagement: 'Disabled' } });
      await eventually('the managed HTTPRoute to go', async () => ((await get(Resources.HTTPRoute, 'team-a', 'tools-mcp')) === undefined ? true : undefined));
    });
  });

  describe('virtual servers', () => {
    it('writes every virtual server into the config Secret and names tools no server can provide', async () => {
      await actor.apply(Resources.MCPVirtualServer, { apiVersion: 'mcp.kuadrant.io/v1', kind: 'MCPVirtualServer', metadata: { name: 'planner', namespace: 'team-a' }, spec: { description: 'for the planning agent', tools: ['weather_forecast', 'stocks_quote'] } });
      const unknown = await readyReason(Resources.MCPVirtualServer, 'team-a', 'planner', 'UnknownReferences');
      expect(unknown.message).toBe("no registered server's prefix matches tools stocks_quote");
      const virtualServers = async () => (parse(secretText(await get(Resources.Secret, 'team-a', 'tools-config'), 'virtual-servers.yaml') ?? '') as { virtualServers: unknown[] }).virtualServers;
      await eventually('the virtual server in the config Secret', async () => ((await virtualServers()).length > 0 ? true : undefined));
      expect(await virtualServers()).toEqual([{ name: 'team-a/planner', description: 'for the planning agent', tools: ['stocks_quote', 'weather_forecast'], prompts: [] }]);
      await actor.mergePatch(Resources.MCPVirtualServer, 'team-a', 'planner', { spec: { tools: ['weather_forecast'] } });
      await readyReason(Resources.MCPVirtualServer, 'team-a', 'planner', 'Ready', 'True');
    });
  });

  describe('deletion', () => {
    it('removes everything an extension created when it is deleted, and its registrations lose their gateway', async () => {
      await actor.delete(Resources.MCPGatewayExtension, 'team-a', 'tools');
      await eventually('owned objects collected', async () => {
        const left = await Promise.all([
          get(Resources.Deployment, 'team-a', 'tools-broker'),
          get(Resources.Deployment, 'team-a', 'tools-router'),
          get(Resources.Service, 'team-a', 'tools-broker'),
          get(Resources.Secret, 'team-a', 'tools-config'),
          get(Resources.Secret, 'team-a', 'tools-session-signing'),
          get(Resources.ServiceAccount, 'team-a', 'tools-router'),
        ]);
        return left.every((object) => object === undefined) ? true : undefined;
      });
      expect(await listenerConditions(actor, 'team-a', 'shared')).toEqual({ mcp: ['Accepted', 'Programmed'] });
      await readyReason(Resources.MCPServerRegistration, 'team-b', 'forecast', 'NoGatewayExtension');
      await actor.delete(Resources.MCPServerRegistration, 'team-b', 'forecast');
      await eventually('a registration with no gateway left to be released at once', async () => ((await get(Resources.MCPServerRegistration, 'team-b', 'forecast')) === undefined ? true : undefined));
    });
  });

  describe('data plane', () => {
    type RouteRule = { matches: Array<{ headers?: unknown[] }>; backendRefs: Array<{ name: string; port: number }> };
    const rulesOf = async (namespace: string, name: string) => ((await get(Resources.HTTPRoute, namespace, name))?.['spec'] as { rules: RouteRule[] } | undefined)?.rules ?? [];
    const mcpRuleBackend = async (namespace: string, name: string) => (await rulesOf(namespace, name)).find((rule) => rule.matches.some((match) => match.headers === undefined && JSON.stringify(match).includes('"/mcp"')))?.backendRefs[0]?.name;

    beforeAll(async () => {
      await installEnvoyWiringCrds(actor);
      await createGatewayClasses(actor);
      await createGateway(actor, { namespace: 'gateway-system', name: 'mesh', gatewayClassName: 'istio', listeners: [{ name: 'mcp', hostname: 'mesh.example.com', from: 'All' }] });
      await createGateway(actor, { namespace: 'gateway-system', name: 'edge', gatewayClassName: 'eg', listeners: [{ name: 'mcp', hostname: 'edge.example.com', from: 'All' }] });
      await createGateway(actor, { namespace: 'team-b', name: 'elsewhere', gatewayClassName: 'other', listeners: [{ name: 'mcp', from: 'All' }] });
      await grantReference(actor, 'gateway-system', 'mcp-extensions-from-team-b', { ...MCP, namespace: 'team-b' }, GATEWAY);
      await createUpstream(actor, { namespace: 'team-b', name: 'quotes', port: 9090, gateway: { namespace: 'gateway-system', name: 'mesh', sectionName: 'mcp' } });
    });

    it('ExtProc on Istio: an EnvoyFilter next to the Gateway, the router serving ext_proc, /mcp to the broker and one header-matched rule per server', async () => {
      await actor.apply(Resources.MCPGatewayExtension, extension('team-b', 'mesh-tools', { targetRef: { name: 'mesh', namespace: 'gateway-system', sectionName: 'mcp' }, dataPlane: 'ExtProc' }));
      await actor.apply(Resources.MCPServerRegistration, registration('team-b', 'quotes', { targetRef: { name: 'quotes' }, prefix: 'quotes_' }));
      const filter = await eventually('the EnvoyFilter', () => get(Resources.EnvoyFilter, 'gateway-system', 'team-b-mesh-tools-mcp-ext-proc'));
      expect(filter.metadata.ownerReferences).toBeUndefined();
      expect(JSON.stringify(filter['spec'])).toContain('outbound|50052||mesh-tools-router.team-b.svc.cluster.local');
      const router = await eventually('router Deployment', () => get(Resources.Deployment, 'team-b', 'mesh-tools-router'));
      expect(envOf(router, 'ROUTER_EXT_PROC_PORT')?.value).toBe('50052');
      await eventually('the per-server rule', async () => ((await rulesOf('team-b', 'mesh-tools-mcp')).some((rule) => JSON.stringify(rule).includes('team-b-quotes')) ? true : undefined));
      expect(await mcpRuleBackend('team-b', 'mesh-tools-mcp')).toBe('mesh-tools-broker');
      await makeReady('team-b', 'mesh-tools');
      const ready = await readyReason(Resources.MCPGatewayExtension, 'team-b', 'mesh-tools', 'Ready', 'True');
      expect(ready.message).toContain('data plane ExtProc (Istio, EnvoyFilter gateway-system/team-b-mesh-tools-mcp-ext-proc)');
    });

    it('back to Proxy: the EnvoyFilter goes and /mcp goes to the router again', async () => {
      await actor.mergePatch(Resources.MCPGatewayExtension, 'team-b', 'mesh-tools', { spec: { dataPlane: 'Proxy' } });
      await eventually('the EnvoyFilter to go', async () => ((await get(Resources.EnvoyFilter, 'gateway-system', 'team-b-mesh-tools-mcp-ext-proc')) === undefined ? true : undefined));
      await eventually('/mcp to the router', async () => ((await mcpRuleBackend('team-b', 'mesh-tools-mcp')) === 'mesh-tools-router' ? true : undefined));
      await actor.delete(Resources.MCPServerRegistration, 'team-b', 'quotes');
      await actor.delete(Resources.MCPGatewayExtension, 'team-b', 'mesh-tools');
    });

    it('ExtProc on Envoy Gateway: an EnvoyExtensionPolicy next to the Gateway with a ReferenceGrant for its backend, both gone with the extension', async () => {
      await actor.apply(Resources.MCPGatewayExtension, extension('team-b', 'edge-tools', { targetRef: { name: 'edge', namespace: 'gateway-system', sectionName: 'mcp' }, dataPlane: 'ExtProc' }));
      const policy = await eventually('the EnvoyExtensionPolicy', () => get(Resources.EnvoyExtensionPolicy, 'gateway-system', 'team-b-edge-tools-mcp-ext-proc'));
      expect(policy['spec']).toMatchObject({ targetRefs: [{ kind: 'Gateway', name: 'edge', sectionName: 'mcp' }], extProc: [{ backendRefs: [{ name: 'edge-tools-router', namespace: 'team-b', port: 50052 }] }] });
      const grant = await eventually('the ReferenceGrant', () => get(Resources.ReferenceGrant, 'team-b', 'team-b-edge-tools-mcp-ext-proc'));
      expect(grant['spec']).toMatchObject({ from: [{ kind: 'EnvoyExtensionPolicy', namespace: 'gateway-system' }] });
      await makeReady('team-b', 'edge-tools');
      await readyReason(Resources.MCPGatewayExtension, 'team-b', 'edge-tools', 'Ready', 'True');
      await actor.delete(Resources.MCPGatewayExtension, 'team-b', 'edge-tools');
      await eventually('the policy and the grant to go', async () => {
        const left = await Promise.all([get(Resources.EnvoyExtensionPolicy, 'gateway-system', 'team-b-edge-tools-mcp-ext-proc'), get(Resources.ReferenceGrant, 'team-b', 'team-b-edge-tools-mcp-ext-proc')]);
        return left.every((object) => object === undefined) ? true : undefined;
      });
    });

    it('refuses ExtProc on a Gateway that is neither Istio nor Envoy Gateway, saying what to do', async () => {
      await actor.apply(Resources.MCPGatewayExtension, extension('team-b', 'other-tools', { targetRef: { name: 'elsewhere', sectionName: 'mcp' }, dataPlane: 'ExtProc' }));
      const refused = await readyReason(Resources.MCPGatewayExtension, 'team-b', 'other-tools', 'DataPlaneUnsupported');
      expect(refused.message).toContain('controlled by "example.com/some-gateway-controller": use dataPlane Proxy');
      await actor.delete(Resources.MCPGatewayExtension, 'team-b', 'other-tools');
    });
  });

  describe('operations', () => {
    it('counts reconciles, durations and errors per kind in its metrics', async () => {
      const text = await operator.registry.metrics();
      for (const kind of ['MCPGatewayExtension', 'MCPServerRegistration', 'MCPVirtualServer']) {
        expect(text).toMatch(new RegExp(`mcp_gateway_operator_reconcile_total\\{controller="${kind}",result="success"\\} [1-9]`));
        expect(text).toContain(`mcp_gateway_operator_reconcile_duration_seconds_count{controller="${kind}"}`);
      }
      expect(text).toContain('mcp_gateway_operator_leader 1');
      expect(operator.logs().some((line) => typeof line['reconcileID'] === 'string' && line['controller'] === 'MCPGatewayExtension')).toBe(true);
    });

    it('was never refused by RBAC, and used every permission its roles grant', () => {
      const requests = server.recordedRequests().filter((request) => request.user === OPERATOR_USER);
      const denied = requests.filter((request) => request.status === 403).map((request) => `${request.verb} ${request.resource}${request.subresource ? `/${request.subresource}` : ''}`);
      expect(denied).toEqual([]);
      const used = new Set(requests.map((request) => `${request.group}|${request.subresource ? `${request.resource}/${request.subresource}` : request.resource}|${request.verb}`));
      // Required by admission (OwnerReferencesPermissionEnforcement), never called directly.
      const notCalledDirectly = new Set(['mcp.kuadrant.io|mcpgatewayextensions/finalizers|update']);
      const unused = OPERATOR_PERMISSIONS.flatMap((permission) => permission.verbs.map((verb) => `${permission.resource.group}|${resourceName(permission)}|${verb}`)).filter((key) => !used.has(key) && !notCalledDirectly.has(key));
      expect(unused).toEqual([]);
    });
  });
});
