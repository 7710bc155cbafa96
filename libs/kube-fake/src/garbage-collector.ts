// The garbage collector controller (Kubernetes docs, "Garbage Collection"): a dependent whose
// owners (`metadata.ownerReferences`, resolved by uid among objects of its own namespace
// or cluster-scoped ones) are all gone is deleted in the background; a dependent with some
// owners left loses only the dangling references. Terminating namespaces are emptied and
// then removed. It runs shortly after writes, like the real controller reacting to events.
import { metadataOf, type JsonObject, type ObjectStore, type StoredObject } from './object-store';

export type DeleteObject = (stored: StoredObject) => void;
export type RemoveOwnerReferences = (stored: StoredObject, keep: readonly JsonObject[]) => void;

export class GarbageCollector {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly deleteObject: DeleteObject,
    private readonly removeOwnerReferences: RemoveOwnerReferences,
    private readonly delayMs: number,
  ) {}

  schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect();
    }, this.delayMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One pass; schedules another when it changed something (cascades take several). */
  collect(): void {
    let changed = false;
    const all = this.store.all();
    const live = new Map<string, StoredObject>();
    for (const stored of all) {
      const metadata = metadataOf(stored.object);
      live.set(String(metadata['uid']), stored);
    }
    for (const stored of all) {
      const metadata = metadataOf(stored.object);
      const references = Array.isArray(metadata['ownerReferences']) ? (metadata['ownerReferences'] as JsonObject[]) : [];
      if (references.length === 0) continue;
      const namespace = String(metadata['namespace'] ?? '');
      const solid = references.filter((reference) => {
        const owner = live.get(String(reference['uid']));
        if (owner === undefined) return false;
        const ownerNamespace = String(metadataOf(owner.object)['namespace'] ?? '');
        // An owner in another namespace does not count: owner references never cross namespaces.
        return ownerNamespace === '' || ownerNamespace === namespace;
      });
      if (solid.length === references.length) continue;
      if (solid.length === 0) {
        if (metadata['deletionTimestamp'] === undefined) {
          this.deleteObject(stored);
          changed = true;
        }
      } else {
        this.removeOwnerReferences(stored, solid);
        changed = true;
      }
    }
    for (const stored of all) {
      if (stored.type.group !== '' || stored.type.plural !== 'namespaces') continue;
      const metadata = metadataOf(stored.object);
      if (metadata['deletionTimestamp'] === undefined) continue;
      const name = String(metadata['name']);
      const content = this.store.all().filter((other) => other.type.namespaced && metadataOf(other.object)['namespace'] === name);
      for (const other of content) {
        if (metadataOf(other.object)['deletionTimestamp'] === undefined) {
          this.deleteObject(other);
          changed = true;
        }
      }
      if (content.length === 0) {
        this.deleteObject(stored);
        changed = true;
      }
    }
    if (changed) this.schedule();
  }
}
