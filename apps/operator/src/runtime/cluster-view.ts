// Read access to the informer caches, by resource: what reconcilers look at instead of
// asking the API server. Reads are of the cache, so they may lag a write by one event;
// reconcilers are level-based and run again when the event arrives.
import type { KubeObject } from '../kube/kube-object';
import type { KubeResource } from '../kube/kube-resource';
import type { ResourceInformer } from './resource-informer';

export interface ClusterView {
  get(resource: KubeResource, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: KubeResource, namespace?: string): KubeObject[];
}

export class InformerClusterView implements ClusterView {
  private readonly informers = new Map<KubeResource, ResourceInformer>();

  constructor(informers: readonly ResourceInformer[]) {
    for (const informer of informers) this.informers.set(informer.resource, informer);
  }

  private informer(resource: KubeResource): ResourceInformer {
    const informer = this.informers.get(resource);
    if (informer === undefined) throw new Error(`no informer for ${resource.plural}: add it to the operator's watched resources`);
    return informer;
  }

  get(resource: KubeResource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.informer(resource).get(resource.namespaced ? namespace : undefined, name);
  }

  list(resource: KubeResource, namespace?: string): KubeObject[] {
    return this.informer(resource).list(namespace);
  }
}
