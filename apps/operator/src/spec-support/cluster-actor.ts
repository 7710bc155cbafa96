// For the operator's specs: a person (or CI job) acting on the cluster through the real
// client-node, with admin rights: applies manifests, installs the CRDs from the Helm chart,
// plays the kubelet/deployment controller by writing Deployment status, and waits for what
// the operator should do. It talks to whatever API server the kubeconfig names.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import type { Condition } from '@mcp-gateway/crd';
import { parseAllDocuments } from 'yaml';
import { KubeClient } from '../kube/kube-client';
import { asKubeObject, type KubeObject } from '../kube/kube-object';
import { Resources, apiVersionOf, type KubeResource } from '../kube/kube-resource';

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const CRD_DIRECTORY = path.join(REPOSITORY_ROOT, 'charts', 'mcp-gateway', 'crds');

export class ClusterActor {
  readonly client: KubeClient;
  readonly objects: k8s.KubernetesObjectApi;

  constructor(readonly kubeconfig: k8s.KubeConfig) {
    this.client = new KubeClient(kubeconfig, 'test-admin');
    this.objects = k8s.KubernetesObjectApi.makeApiClient(kubeconfig);
  }

  static fromFile(kubeconfigPath: string): ClusterActor {
    const kubeconfig = new k8s.KubeConfig();
    kubeconfig.loadFromFile(kubeconfigPath);
    return new ClusterActor(kubeconfig);
  }

  /** Raw JSON request with this kubeconfig's credentials (for CRDs, which the typed client mangles). */
  async raw(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const cluster = this.kubeconfig.getCurrentCluster();
    const token = this.kubeconfig.getCurrentUser()?.token;
    const response = await fetch(`${cluster?.server ?? ''}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  /** Installs the generated CRDs shipped in the Helm chart, as `kubectl apply -f charts/mcp-gateway/crds` would. */
  async installCrds(): Promise<void> {
    for (const file of (await readdir(CRD_DIRECTORY)).filter((name) => name.endsWith('.yaml')).sort()) {
      const crd = parseAllDocuments(await readFile(path.join(CRD_DIRECTORY, file), 'utf8'))[0]?.toJS({ version: '1.1' }) as unknown;
      const created = await this.raw('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      if (created.status !== 201) throw new Error(`installing ${file} failed: ${JSON.stringify(created.body)}`);
    }
  }

  async createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    await this.client.create(Resources.Namespace, { metadata: { name, labels } });
  }

  /** Server-side apply as the test's own manager (creates or updates). */
  async apply(resource: KubeResource, object: KubeObject): Promise<KubeObject> {
    return this.client.apply(resource, object);
  }

  get(resource: KubeResource, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    return this.client.get(resource, namespace, name);
  }

  async delete(resource: KubeResource, namespace: string | undefined, name: string): Promise<void> {
    await this.client.delete(resource, namespace, name);
  }

  /** A Secret with string values (stringData). */
  async secret(namespace: string, name: string, values: Record<string, string>): Promise<void> {
    await this.client.apply(Resources.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Buffer.from(value).toString('base64')])) });
  }

  /** What the deployment controller and kubelet would report once all replicas run. */
  async markDeploymentAvailable(namespace: string, name: string): Promise<void> {
    const deployment = await this.client.get(Resources.Deployment, namespace, name);
    if (deployment === undefined) throw new Error(`Deployment ${namespace}/${name} not found`);
    const replicas = ((deployment['spec'] ?? {}) as { replicas?: number }).replicas ?? 1;
    const apps = this.kubeconfig.makeApiClient(k8s.AppsV1Api);
    await apps.patchNamespacedDeploymentStatus(
      {
        namespace,
        name,
        body: {
          status: {
            observedGeneration: deployment.metadata.generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }],
          },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }

  /** A strategic merge patch as `kubectl patch` sends it (manager `kubectl-patch`). */
  async strategicPatch(resource: KubeResource, namespace: string, name: string, patch: object): Promise<KubeObject> {
    return asKubeObject(
      await this.objects.patch({ apiVersion: apiVersionOf(resource), kind: resource.kind, metadata: { name, namespace }, ...patch }, undefined, undefined, 'kubectl-patch', undefined, k8s.PatchStrategy.StrategicMergePatch),
    );
  }

  async mergePatch(resource: KubeResource, namespace: string, name: string, patch: object): Promise<KubeObject> {
    return this.client.mergePatch(resource, namespace, name, patch);
  }
}

export function conditionOf(object: KubeObject | undefined, type: string): Condition | undefined {
  return ((object?.['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((condition) => condition.type === type);
}

/** Decodes one key of a Secret. */
export function secretText(secret: KubeObject | undefined, key: string): string | undefined {
  const encoded = ((secret?.['data'] ?? {}) as Record<string, string>)[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}
