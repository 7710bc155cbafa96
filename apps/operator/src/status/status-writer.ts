// Writes a custom resource's status when, and only when, it differs from what is stored:
// conditions plus observedGeneration, guarded by the resourceVersion the reconcile read (a
// stale write is a 409 and the reconcile runs again on the fresh object). A change of the
// Ready condition's status or reason is also recorded as an Event.
import { ConditionType, type Condition, type ResourceStatus } from '@mcp-gateway/crd';
import type { KubeClient } from '../kube/kube-client';
import type { KubeObject } from '../kube/kube-object';
import type { KubeResource } from '../kube/kube-resource';
import type { EventRecorder } from '../runtime/event-recorder';
import { findCondition, nextConditions, type DesiredCondition } from './condition-set';

function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}

export class StatusWriter {
  constructor(
    private readonly client: KubeClient,
    private readonly events: EventRecorder,
  ) {}

  /** Returns true when something was written. Extra status fields (`extra`) are written alongside. */
  async write(resource: KubeResource, object: KubeObject, desired: readonly DesiredCondition[], extra: Record<string, unknown> = {}): Promise<boolean> {
    const current = (object['status'] ?? {}) as ResourceStatus & Record<string, unknown>;
    const generation = object.metadata.generation ?? 0;
    const conditions = nextConditions(current.conditions, desired, generation);
    const extraChanged = Object.entries(extra).some(([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value));
    if (current.observedGeneration === generation && sameConditions(current.conditions, conditions) && !extraChanged) return false;
    const { namespace = '', name = '', resourceVersion } = object.metadata;
    await this.client.mergePatchStatus(resource, namespace, name, { metadata: { resourceVersion }, status: { ...extra, observedGeneration: generation, conditions } });
    const before = findCondition(current.conditions, ConditionType.Ready);
    const after = findCondition(conditions, ConditionType.Ready);
    if (after && (before?.status !== after.status || before?.reason !== after.reason)) {
      await this.events.record(object, after.status === 'True' ? 'Normal' : 'Warning', after.reason, after.message, 'Reconcile');
    }
    return true;
  }
}
