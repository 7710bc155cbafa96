// The container images' contents, proven without a container engine: for each service this
// runs the commands of the Dockerfile's `<app>-files` stage (build, assemble, `npm ci
// --omit=dev`) into a clean temporary folder, then starts the service from that folder the way
// the image's ENTRYPOINT and ENV do — as uid 65532 on a folder it cannot write to when the test
// runs as root, like the image's USER on a read-only root filesystem — and checks /healthz,
// /readyz and a graceful SIGTERM. A file or dependency the bundle needs but the image would
// lack makes a service fail to start here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderCrdFiles } from '@mcp-gateway/crd';
import { FakeKubeApiServer, kubeconfigYaml } from '@mcp-gateway/kube-fake';
import { startProcess, waitFor, type ManagedProcess } from '@mcp-gateway/testing';
import { parse } from 'yaml';
import { ensureHelm, REPOSITORY_ROOT } from '../../scripts/delivery/helm-binary';
import { ASSEMBLE_RUNTIME_COMMAND, DELIVERED_APPS, RUNTIME_ASSETS, RUNTIME_INSTALL_ARGS, type DeliveredApp } from '../../scripts/delivery/runtime-folder';
import { findManifest, RELEASE, renderChart } from './support/chart-rendering';
import { imageRuntime, stageInstructions } from './support/dockerfile-policy';

const IMAGE_USER = { uid: 65532, gid: 65532 };
const runAsImageUser = typeof process.getuid === 'function' && process.getuid() === 0;

interface CommandResult {
  status: number | null;
  output: string;
}

function runCommand(command: string, args: readonly string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: undefined } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, output }));
  });
}

async function mustRun(command: string, args: readonly string[], cwd: string): Promise<void> {
  const result = await runCommand(command, args, cwd);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.output.slice(-3000)}`);
}

let dockerfile: string;
let workRoot: string;
const runtimeFolders = {} as Record<DeliveredApp, string>;

/** Starts a service the way its image does: ENTRYPOINT with the image's ENV, nothing inherited. */
async function startFromImageFolder(app: DeliveredApp, env: Record<string, string>, readyPattern: RegExp): Promise<ManagedProcess> {
  const runtime = imageRuntime(dockerfile, app);
  const [entry, ...entryArgs] = runtime.entrypoint;
  expect(entry).toBe('/nodejs/bin/node');
  const args = entryArgs.map((arg) => (arg.startsWith('/app/') ? path.join(runtimeFolders[app], arg.slice('/app/'.length)) : arg));
  const cleanEnv: Record<string, string | undefined> = Object.fromEntries(Object.keys(process.env).map((name) => [name, undefined]));
  const fullEnv = { ...cleanEnv, PATH: '/usr/bin:/bin', HOME: '/nonexistent', ...runtime.env, ...env };
  const [command, commandArgs] = runAsImageUser
    ? ['setpriv', [`--reuid=${IMAGE_USER.uid}`, `--regid=${IMAGE_USER.gid}`, '--clear-groups', process.execPath, ...args]]
    : [process.execPath, args];
  return startProcess(command, commandArgs as string[], { cwd: runtimeFolders[app], env: fullEnv, readyPattern, readyTimeoutMs: 30_000, stopGraceMs: 10_000 });
}

function logLine(child: ManagedProcess, message: string): Record<string, unknown> {
  const line = child
    .output()
    .split('\n')
    .find((text) => text.includes(`"msg":"${message}"`));
  if (line === undefined) throw new Error(`no "${message}" line in:\n${child.output().slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

async function httpStatus(url: string): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
}

beforeAll(async () => {
  dockerfile = await readFile(path.join(REPOSITORY_ROOT, 'Dockerfile'), 'utf8');
  await ensureHelm();
  workRoot = await mkdtemp(path.join(tmpdir(), 'mcp-gateway-images-'));
  // mkdtemp makes the folder private to root; the image user must be able to read (only).
  await chmod(workRoot, 0o755);
  for (const app of DELIVERED_APPS) runtimeFolders[app] = path.join(workRoot, app);
  // `nx run <app>:build` runs scripts/build-app.mjs; the image's build stage does the same.
  await Promise.all(DELIVERED_APPS.map((app) => mustRun(process.execPath, ['scripts/build-app.mjs', app], REPOSITORY_ROOT)));
  const [node, ...assembleArgs] = ASSEMBLE_RUNTIME_COMMAND.split(' ');
  await Promise.all(DELIVERED_APPS.map((app) => mustRun(node === 'node' ? process.execPath : (node ?? ''), [...assembleArgs, app, runtimeFolders[app]], REPOSITORY_ROOT)));
  await Promise.all(DELIVERED_APPS.map((app) => mustRun('npm', [...RUNTIME_INSTALL_ARGS, '--prefer-offline'], runtimeFolders[app])));
}, 240_000);

afterAll(async () => {
  if (workRoot !== undefined) await rm(workRoot, { recursive: true, force: true });
});

describe('the Dockerfile and this test run the same steps', () => {
  it.each(DELIVERED_APPS)("the %s-files stage assembles and installs with the commands this test runs", (app) => {
    expect(stageInstructions(dockerfile, `${app}-files`)).toEqual([
      { keyword: 'RUN', arguments: `${ASSEMBLE_RUNTIME_COMMAND} ${app} /runtime` },
      { keyword: 'WORKDIR', arguments: '/runtime' },
      { keyword: 'RUN', arguments: `npm ${RUNTIME_INSTALL_ARGS.join(' ')}` },
    ]);
  });

  it.each(DELIVERED_APPS)('the %s image copies that folder and nothing else into /app, and runs as uid 65532', (app) => {
    const runtime = imageRuntime(dockerfile, app);
    expect(runtime.copies).toEqual([{ from: `${app}-files`, sources: ['/runtime/'], destination: '/app/' }]);
    expect(runtime.user).toBe(`${IMAGE_USER.uid}:${IMAGE_USER.gid}`);
    expect(runtime.env['NODE_ENV']).toBe('production');
  });
});

describe('runtime folders', () => {
  it.each(DELIVERED_APPS)('%s holds only its bundle, source map, runtime assets, manifests and production node_modules', async (app) => {
    const entries = (await readdir(runtimeFolders[app])).sort();
    const assetRoots = [...new Set(RUNTIME_ASSETS[app].map((asset) => asset.split('/')[0] ?? ''))];
    expect(entries).toEqual(['main.js', 'main.js.map', 'node_modules', 'package-lock.json', 'package.json', ...assetRoots].sort());
    const installed = await readdir(path.join(runtimeFolders[app], 'node_modules'));
    for (const devTool of ['typescript', 'esbuild', 'nx', 'jest', 'tsx', '@swc', '@nx', 'eslint', 'kubernetes-models']) expect(installed).not.toContain(devTool);
  });

  it.each(DELIVERED_APPS)('%s production dependencies carry no native code, so one build serves amd64 and arm64', async (app) => {
    const lock = JSON.parse(await readFile(path.join(runtimeFolders[app], 'package-lock.json'), 'utf8')) as { packages: Record<string, { os?: unknown; cpu?: unknown; hasInstallScript?: boolean }> };
    const platformBound = Object.entries(lock.packages).filter(([, entry]) => entry.os !== undefined || entry.cpu !== undefined);
    expect(platformBound.map(([name]) => name)).toEqual([]);
    // protobufjs' postinstall only prints a version warning; the images install with --ignore-scripts.
    const withInstallScripts = Object.entries(lock.packages).filter(([, entry]) => entry.hasInstallScript === true).map(([name]) => name);
    expect(withInstallScripts.filter((name) => name !== 'node_modules/protobufjs')).toEqual([]);
  });
});

describe('services started from their runtime folders', () => {
  let configDirectory: string;
  let broker: ManagedProcess | undefined;
  let router: ManagedProcess | undefined;
  let operator: ManagedProcess | undefined;
  let apiServer: FakeKubeApiServer | undefined;

  beforeAll(async () => {
    configDirectory = path.join(workRoot, 'config');
    await mkdir(configDirectory, { mode: 0o755 });
    await writeFile(path.join(configDirectory, 'gateway.yaml'), 'servers: []\n', { mode: 0o644 });
  });

  afterAll(async () => {
    for (const child of [operator, router, broker]) await child?.kill();
    await apiServer?.close();
  });

  const sessionSecret = randomBytes(32).toString('base64url');

  it('the broker answers /healthz and /readyz', async () => {
    broker = await startFromImageFolder(
      'broker',
      { BROKER_HOST: '127.0.0.1', BROKER_HTTP_PORT: '0', BROKER_GRPC_PORT: '0', GATEWAY_CONFIG: path.join(configDirectory, 'gateway.yaml'), GATEWAY_SESSION_SECRET: sessionSecret },
      /"msg":"broker listening"/,
    );
    const port = logLine(broker, 'broker listening')['httpPort'] as number;
    expect(await httpStatus(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    await waitFor(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200, { timeoutMs: 10_000, what: 'broker /readyz' });
  });

  it('the router answers /healthz, and /readyz once the routing table arrives over gRPC', async () => {
    expect(broker).toBeDefined();
    const line = logLine(broker as ManagedProcess, 'broker listening');
    router = await startFromImageFolder(
      'router',
      {
        ROUTER_HOST: '127.0.0.1',
        ROUTER_PORT: '0',
        GATEWAY_CONFIG: path.join(configDirectory, 'gateway.yaml'),
        GATEWAY_SESSION_SECRET: sessionSecret,
        BROKER_URL: `http://127.0.0.1:${line['httpPort'] as number}`,
        BROKER_GRPC_ADDRESS: `127.0.0.1:${line['grpcPort'] as number}`,
      },
      /"msg":"router listening"/,
    );
    const port = logLine(router, 'router listening')['port'] as number;
    expect(await httpStatus(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    await waitFor(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200, { timeoutMs: 15_000, what: 'router /readyz' });
  });

  it('the operator, configured and authorised as the Helm chart installs it, becomes ready and takes its leader Lease', async () => {
    // The API server enforces RBAC: the operator authenticates as the chart's ServiceAccount
    // and holds only the chart's ClusterRole and leader-election Role.
    const serviceAccount = 'mcp-mcp-gateway-operator';
    apiServer = await FakeKubeApiServer.start({
      users: {
        'admin-token': { name: 'admin', groups: ['system:masters'] },
        'operator-token': { name: `system:serviceaccount:${RELEASE.namespace}:${serviceAccount}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${RELEASE.namespace}`, 'system:authenticated'] },
      },
    });
    const server = apiServer;
    const asAdmin = async (method: string, urlPath: string, body?: unknown) => {
      const response = await fetch(`${server.url}${urlPath}`, {
        method,
        signal: AbortSignal.timeout(10_000),
        headers: { 'content-type': 'application/json', authorization: 'Bearer admin-token' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    for (const file of renderCrdFiles()) expect((await asAdmin('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', parse(file.content))).status).toBe(201);
    expect((await asAdmin('POST', '/api/v1/namespaces', { metadata: { name: RELEASE.namespace } })).status).toBe(201);
    const chart = await renderChart();
    const collections: Record<string, string> = {
      ServiceAccount: `/api/v1/namespaces/${RELEASE.namespace}/serviceaccounts`,
      ClusterRole: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      ClusterRoleBinding: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      Role: `/apis/rbac.authorization.k8s.io/v1/namespaces/${RELEASE.namespace}/roles`,
      RoleBinding: `/apis/rbac.authorization.k8s.io/v1/namespaces/${RELEASE.namespace}/rolebindings`,
    };
    for (const manifest of chart.filter((candidate) => collections[candidate.kind ?? ''] !== undefined)) {
      const created = await asAdmin('POST', collections[manifest.kind ?? ''] ?? '', manifest);
      expect({ kind: manifest.kind, status: created.status }).toEqual({ kind: manifest.kind, status: 201 });
    }

    // The container's environment exactly as the chart sets it; the downward API and the
    // pod's network are what a kubelet would provide.
    const container = (findManifest(chart, 'Deployment')['spec'] as { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } }).template.spec.containers[0];
    const chartEnv = Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable.value ?? '']));
    const podName = 'mcp-mcp-gateway-operator-7d9f-abcde';
    const kubeconfigPath = path.join(configDirectory, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfigYaml({ server: server.url, token: 'operator-token' }), { mode: 0o644 });
    operator = await startFromImageFolder(
      'operator',
      { ...chartEnv, POD_NAMESPACE: RELEASE.namespace, POD_NAME: podName, OPERATOR_HOST: '127.0.0.1', OPERATOR_PROBE_PORT: '0', KUBECONFIG: kubeconfigPath },
      /"msg":"operator started"/,
    );
    const port = logLine(operator, 'operator started')['probePort'] as number;
    expect(await httpStatus(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    await waitFor(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200, { timeoutMs: 15_000, what: `operator /readyz; output:\n${operator.output().slice(-1500)}` });
    const lease = await waitFor(
      async () => {
        const found = await asAdmin('GET', `/apis/coordination.k8s.io/v1/namespaces/${RELEASE.namespace}/leases/${chartEnv['OPERATOR_LEADER_ELECTION_ID'] ?? ''}`);
        return found.status === 200 ? found.body : undefined;
      },
      { timeoutMs: 15_000, what: 'the leader Lease' },
    );
    expect((lease['spec'] as { holderIdentity?: string }).holderIdentity).toBe(podName);
    expect(operator.output()).not.toMatch(/forbidden/i);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    expect(metrics).toContain('# TYPE');
  });

  it('each service stops on SIGTERM and exits 0 (Node is PID 1 in the image and handles it)', async () => {
    for (const child of [operator, router, broker]) {
      expect(child).toBeDefined();
      const managed = child as ManagedProcess;
      const started = Date.now();
      await managed.stop('SIGTERM');
      expect(await managed.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });
});
