// The operator's only door to the API server, over @kubernetes/client-node: the generic
// object API (discovery-based URLs) for objects, the custom-objects API for status
// subresources. Every write of an object the operator manages is a server-side apply under
// one field manager, so the fields it owns are reset on every reconcile while fields other
// managers own (a user's extra env var, an HPA's replica count) are left alone (Kubernetes
// docs, "Server-Side Apply"). Errors come back as KubeApiError; results as plain JSON.
import * as k8s from '@kubernetes/client-node';
import { KubeApiError } from './kube-api-error';
import { apiVersionOf, type KubeResource } from './kube-resource';
import { asKubeObject, type KubeObject } from './kube-object';

export interface KubeList {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
}

export const OPERATOR_FIELD_MANAGER = 'mcp-gateway-operator';

export class KubeClient {
  private readonly objects: k8s.KubernetesObjectApi;
  private readonly custom: k8s.CustomObjectsApi;

  constructor(
    readonly kubeconfig: k8s.KubeConfig,
    readonly fieldManager: string = OPERATOR_FIELD_MANAGER,
  ) {
    this.objects = k8s.KubernetesObjectApi.makeApiClient(kubeconfig);
    this.custom = kubeconfig.makeApiClient(k8s.CustomObjectsApi);
  }

  private spec(resource: KubeResource, namespace: string | undefined, name: string | undefined, body: object = {}): k8s.KubernetesObject {
    const metadata = { ...((body as { metadata?: object }).metadata ?? {}), ...(name === undefined ? {} : { name }), ...(resource.namespaced && namespace !== undefined ? { namespace } : {}) };
    return { ...body, apiVersion: apiVersionOf(resource), kind: resource.kind, metadata };
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw KubeApiError.from(error, operation);
    }
  }

  /** The object, or undefined when it does not exist. */
  async get(resource: KubeResource, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return asKubeObject(await this.call(`get ${resource.plural} ${name}`, () => this.objects.read({ apiVersion: apiVersionOf(resource), kind: resource.kind, metadata: { name, ...(resource.namespaced && namespace !== undefined ? { namespace } : {}) } })));
    } catch (error) {
      if (error instanceof KubeApiError && error.isNotFound) return undefined;
      throw error;
    }
  }

  async list(resource: KubeResource, namespace?: string): Promise<KubeList> {
    const list = await this.call(`list ${resource.plural}`, () => this.objects.list(apiVersionOf(resource), resource.kind, namespace));
    return { items: (list.items ?? []).map(asKubeObject), resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async create(resource: KubeResource, object: KubeObject): Promise<KubeObject> {
    const spec = this.spec(resource, object.metadata.namespace, object.metadata.name, object);
    return asKubeObject(await this.call(`create ${resource.plural} ${object.metadata.name ?? ''}`, () => this.objects.create(spec, undefined, undefined, this.fieldManager)));
  }

  /** PUT: an optimistic update guarded by the object's metadata.resourceVersion. */
  async replace(resource: KubeResource, object: KubeObject): Promise<KubeObject> {
    const spec = this.spec(resource, object.metadata.namespace, object.metadata.name, object);
    return asKubeObject(await this.call(`update ${resource.plural} ${object.metadata.name ?? ''}`, () => this.objects.replace(spec, undefined, undefined, this.fieldManager)));
  }

  /** Server-side apply of the fields this operator owns; `force` takes over fields someone else changed. */
  async apply(resource: KubeResource, object: KubeObject): Promise<KubeObject> {
    const spec = this.spec(resource, object.metadata.namespace, object.metadata.name, object);
    return asKubeObject(
      await this.call(`apply ${resource.plural} ${object.metadata.name ?? ''}`, () =>
        this.objects.patch(spec, undefined, undefined, this.fieldManager, true, k8s.PatchStrategy.ServerSideApply),
      ),
    );
  }

  /** JSON merge patch (RFC 7386) of the main resource, e.g. finalizers guarded by resourceVersion. */
  async mergePatch(resource: KubeResource, namespace: string | undefined, name: string, patch: object): Promise<KubeObject> {
    const spec = this.spec(resource, namespace, name, patch);
    return asKubeObject(await this.call(`patch ${resource.plural} ${name}`, () => this.objects.patch(spec, undefined, undefined, this.fieldManager, undefined, k8s.PatchStrategy.MergePatch)));
  }

  /** JSON merge patch of the `/status` subresource of a namespaced object in a named API group. */
  async mergePatchStatus(resource: KubeResource, namespace: string, name: string, patch: object): Promise<KubeObject> {
    return asKubeObject(
      await this.call(`patch ${resource.plural}/status ${name}`, () =>
        this.custom.patchNamespacedCustomObjectStatus(
          { group: resource.group, version: resource.version, namespace, plural: resource.plural, name, body: patch, fieldManager: this.fieldManager },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        ),
      ),
    );
  }

  /** Server-side apply to the `/status` subresource: only the status fields in `object` become
   * ours. A distinct `fieldManager` lets several writers share one object's status. */
  async applyStatus(resource: KubeResource, object: KubeObject, fieldManager: string = this.fieldManager): Promise<KubeObject> {
    const { namespace = '', name = '' } = object.metadata;
    const body = { apiVersion: apiVersionOf(resource), kind: resource.kind, metadata: { name, namespace }, status: object['status'] };
    return asKubeObject(
      await this.call(`apply ${resource.plural}/status ${name}`, () =>
        this.custom.patchNamespacedCustomObjectStatus(
          { group: resource.group, version: resource.version, namespace, plural: resource.plural, name, body, fieldManager, force: true },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
        ),
      ),
    );
  }

  /** Deletes the object; an object already gone is not an error. */
  async delete(resource: KubeResource, namespace: string | undefined, name: string): Promise<void> {
    try {
      await this.call(`delete ${resource.plural} ${name}`, () => this.objects.delete(this.spec(resource, namespace, name)));
    } catch (error) {
      if (error instanceof KubeApiError && error.isNotFound) return;
      throw error;
    }
  }
}
