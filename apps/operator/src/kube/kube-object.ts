// The operator's view of any Kubernetes object: plain JSON as the API serves it. Objects that
// come through client-node's typed models (Date timestamps, class instances) are turned back
// into that plain shape at the edge, so the rest of the code compares like with like.
import type { ObjectMeta } from '@mcp-gateway/crd';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeMetadata extends ObjectMeta {
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

/** Converts what client-node returns into plain JSON: Dates become RFC 3339 strings,
 * class instances plain objects, undefined fields disappear. */
export function plainJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace(/\.000Z$/, 'Z');
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = plainJson(item);
    return out;
  }
  return value;
}

export function asKubeObject(value: unknown): KubeObject {
  const plain = plainJson(value) as KubeObject;
  plain.metadata ??= {};
  return plain;
}

/** `namespace/name` (or `name` for cluster-scoped objects): the key reconcilers work on. */
export function objectKey(object: { metadata: { namespace?: string; name?: string } }): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

/** Milliseconds since the epoch of `creationTimestamp` (older objects win conflicts). */
export function createdAt(object: KubeObject): number {
  const value = object.metadata.creationTimestamp;
  return value === undefined ? Number.MAX_SAFE_INTEGER : Date.parse(value);
}

/** Orders objects oldest first, ties broken by namespace/name, as Gateway API conflict rules do. */
export function olderFirst(a: KubeObject, b: KubeObject): number {
  return createdAt(a) - createdAt(b) || (objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0);
}
