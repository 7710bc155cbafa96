// The fake's etcd: every object of every kind, one cluster-wide revision counter that
// becomes each write's `metadata.resourceVersion`, and a bounded history of changes from
// which watches resume. Watching from a revision older than the retained history is the
// "too old resource version" case (410 Expired) that clients answer by listing again.
import { expired } from './kube-status-error';
import type { ResourceType } from './resource-type';

export type JsonObject = Record<string, unknown>;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredObject {
  readonly type: ResourceType;
  readonly object: JsonObject;
}

export interface StoreEvent {
  readonly revision: number;
  readonly type: WatchEventType;
  readonly resourceType: ResourceType;
  /** The object after the change (for DELETED: its last state, with the deletion's revision). */
  readonly object: JsonObject;
  /** The object before the change (MODIFIED, DELETED), for selector transitions. */
  readonly previous?: JsonObject;
}

export type StoreListener = (event: StoreEvent) => void;

export function metadataOf(object: JsonObject): JsonObject {
  return (object['metadata'] ??= {}) as JsonObject;
}

function storageKey(type: ResourceType, namespace: string, name: string): string {
  return `${type.group}/${type.plural}/${namespace}/${name}`;
}

export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private currentRevision = 1;
  /** Events at or below this revision are gone from the history. */
  private compactedRevision = 1;

  constructor(private readonly historyLimit: number) {}

  get revision(): number {
    return this.currentRevision;
  }

  get(type: ResourceType, namespace: string, name: string): JsonObject | undefined {
    return this.objects.get(storageKey(type, namespace, name))?.object;
  }

  /** Objects of a type, in key order (namespace, then name), optionally in one namespace. */
  list(type: ResourceType, namespace?: string): JsonObject[] {
    const prefix = `${type.group}/${type.plural}/${namespace === undefined ? '' : `${namespace}/`}`;
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, stored]) => stored.object);
  }

  /** Every stored object, for the garbage collector and RBAC. */
  all(): StoredObject[] {
    return [...this.objects.values()];
  }

  /** Writes (or, for DELETED, removes) an object under a new revision and tells watchers. */
  commit(type: WatchEventType, resourceType: ResourceType, object: JsonObject): JsonObject {
    const metadata = metadataOf(object);
    const key = storageKey(resourceType, String(metadata['namespace'] ?? ''), String(metadata['name']));
    const previous = this.objects.get(key)?.object;
    this.currentRevision += 1;
    metadata['resourceVersion'] = String(this.currentRevision);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, { type: resourceType, object });
    const event: StoreEvent = { revision: this.currentRevision, type, resourceType, object, ...(previous === undefined ? {} : { previous }) };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRevision = (dropped[dropped.length - 1] as StoreEvent).revision;
    }
    for (const listener of [...this.listeners]) listener(event);
    return object;
  }

  /** Forgets the history, as an API server's watch cache does when it restarts or etcd
   * compacts: watches from any earlier revision now get 410 Expired. */
  compact(): void {
    this.history.length = 0;
    this.compactedRevision = this.currentRevision;
  }

  /** Throws 410 when `revision` is older than what the history still holds. */
  assertResumable(revision: number): void {
    if (revision < this.compactedRevision) {
      throw expired(`too old resource version: ${revision} (${this.compactedRevision})`);
    }
  }

  /** Events after `revision`, for a watch that resumes there. */
  eventsAfter(revision: number): StoreEvent[] {
    this.assertResumable(revision);
    return this.history.filter((event) => event.revision > revision);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Removes every object of a type (a CRD being deleted takes its objects with it). */
  dropType(type: ResourceType): void {
    for (const object of this.list(type)) this.commit('DELETED', type, structuredClone(object));
  }
}
