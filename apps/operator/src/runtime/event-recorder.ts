// Kubernetes Events (events.k8s.io/v1) about the objects the operator reconciles, written on
// condition transitions so `kubectl describe` and `kubectl get events` tell the story.
// Best effort: a failed Event is logged, never fails a reconcile.
import { randomBytes } from 'node:crypto';
import type { Logger } from '@mcp-gateway/telemetry';
import type { KubeClient } from '../kube/kube-client';
import type { KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';

export type EventType = 'Normal' | 'Warning';

export class EventRecorder {
  constructor(
    private readonly client: KubeClient,
    private readonly controllerName: string,
    private readonly instance: string,
    private readonly logger: Logger,
  ) {}

  async record(regarding: KubeObject, type: EventType, reason: string, note: string, action: string): Promise<void> {
    const { name = '', namespace = 'default', uid, resourceVersion } = regarding.metadata;
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    try {
      await this.client.create(Resources.Event, {
        metadata: { name: `${name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`, namespace },
        eventTime: now,
        type,
        reason,
        note: note.slice(0, 1024),
        action,
        reportingController: this.controllerName,
        reportingInstance: this.instance,
        regarding: { apiVersion: regarding.apiVersion, kind: regarding.kind, name, namespace, uid, resourceVersion },
      });
    } catch (error) {
      this.logger.debug({ err: error instanceof Error ? error.message : String(error), reason }, 'could not record an event');
    }
  }
}
