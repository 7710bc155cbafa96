// For this lib's specs: a fake API server plus real @kubernetes/client-node clients
// configured for it through a kubeconfig file, as a user's program would be.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { FakeKubeApiServer, type FakeKubeApiServerOptions } from './fake-kube-api-server';
import type { StatusBody } from './kube-status-error';

export interface ClientNodeFixture {
  readonly server: FakeKubeApiServer;
  readonly kubeconfig: k8s.KubeConfig;
  readonly kubeconfigPath: string;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly objects: k8s.KubernetesObjectApi;
  readonly custom: k8s.CustomObjectsApi;
  readonly directory: string;
  close(): Promise<void>;
}

export async function startClientNodeFixture(options: FakeKubeApiServerOptions = {}, token?: string): Promise<ClientNodeFixture> {
  const server = await FakeKubeApiServer.start(options);
  const directory = await mkdtemp(path.join(tmpdir(), 'kube-fake-'));
  const kubeconfigPath = path.join(directory, 'kubeconfig.yaml');
  await server.writeKubeconfig(kubeconfigPath, token === undefined ? {} : { token });
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(kubeconfigPath);
  return {
    server,
    kubeconfig,
    kubeconfigPath,
    directory,
    core: kubeconfig.makeApiClient(k8s.CoreV1Api),
    apps: kubeconfig.makeApiClient(k8s.AppsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kubeconfig),
    custom: kubeconfig.makeApiClient(k8s.CustomObjectsApi),
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The `kind: Status` body of a failed client-node call (its ApiException keeps the raw text). */
export function statusOf(error: unknown): StatusBody {
  if (!(error instanceof k8s.ApiException)) throw error;
  const body: unknown = error.body;
  return (typeof body === 'string' ? JSON.parse(body) : body) as StatusBody;
}

/** Runs a call expected to fail and returns the Status body the server answered with. */
export async function failureOf(call: () => Promise<unknown>): Promise<StatusBody> {
  try {
    await call();
  } catch (error) {
    return statusOf(error);
  }
  throw new Error('the call succeeded but was expected to fail');
}

/** Raw JSON against the server, for requests no typed client makes (CRDs, odd content types). */
export async function rawRequest(server: FakeKubeApiServer, method: string, urlPath: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { 'content-type': contentType, accept: 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

export function deploymentManifest(name: string, namespace = 'default', env: Array<{ name: string; value: string }> = []): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'example/app:1.0', env }] } },
    },
  };
}
