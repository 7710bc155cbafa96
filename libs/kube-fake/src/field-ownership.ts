// Field ownership as server-side apply defines it (Kubernetes docs, "Server-Side Apply"):
// each manager owns a set of fields, recorded in `metadata.managedFields` as FieldsV1
// (`f:<field>`, `k:<keys>` for items of keyed lists, `v:<value>` for set items, `.` for the
// item itself). An apply makes the manager own exactly what it sent: fields it stops sending
// are removed unless another manager still owns them, and fields another manager owns with a
// different value are a conflict (409) unless `force` takes them over. Any other write
// (create, update, patch) hands the fields it changed to its manager.
import { KubeStatusError } from './kube-status-error';
import type { ListSemanticsResolver } from './list-semantics';

type JsonObject = Record<string, unknown>;
type FieldsV1 = { [element: string]: FieldsV1 };

/** A path of FieldsV1 elements, e.g. `['f:spec', 'f:replicas']`. */
type FieldPath = readonly string[];

const SEPARATOR = '\u0000';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** Which part of the object a write may touch: the main resource or its `status`. */
export type WriteScope = 'main' | 'status';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

function itemKey(item: unknown, keys: readonly string[]): string {
  const fields = isObject(item) ? item : {};
  return `k:${JSON.stringify(Object.fromEntries(keys.map((key) => [key, fields[key]])))}`;
}

function semanticPath(path: FieldPath): string[] {
  return path.filter((element) => element !== '.').map((element) => (element.startsWith('f:') ? element.slice(2) : '[]'));
}

/** Every owned leaf path of `value`. */
function collectPaths(value: unknown, path: string[], resolver: ListSemanticsResolver, out: Set<string>): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) collectPaths(child, [...path, `f:${key}`], resolver, out);
    return;
  }
  if (Array.isArray(value)) {
    const semantics = resolver(semanticPath(path));
    if (semantics.type === 'map') {
      for (const item of value) {
        const itemPath = [...path, itemKey(item, semantics.keys)];
        out.add([...itemPath, '.'].join(SEPARATOR));
        if (isObject(item)) for (const [key, child] of Object.entries(item)) collectPaths(child, [...itemPath, `f:${key}`], resolver, out);
      }
      return;
    }
    if (semantics.type === 'set') {
      for (const item of value) out.add([...path, `v:${JSON.stringify(item)}`].join(SEPARATOR));
      return;
    }
  }
  if (path.length > 0) out.add(path.join(SEPARATOR));
}

/** The fields a write of `object` speaks for, within its scope. */
export function fieldSetOf(object: JsonObject, resolver: ListSemanticsResolver, scope: WriteScope): Set<string> {
  const out = new Set<string>();
  if (scope === 'status') {
    if (object['status'] !== undefined) collectPaths(object['status'], ['f:status'], resolver, out);
    return out;
  }
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers']) {
    if (metadata[field] !== undefined) collectPaths(metadata[field], ['f:metadata', `f:${field}`], resolver, out);
  }
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'metadata' || key === 'status') continue;
    collectPaths(value, [`f:${key}`], resolver, out);
  }
  return out;
}

function findItem(list: unknown[], element: string): number {
  if (element.startsWith('k:')) {
    const wanted = JSON.parse(element.slice(2)) as JsonObject;
    return list.findIndex((item) => isObject(item) && Object.entries(wanted).every(([key, value]) => deepEqual(item[key], value)));
  }
  const value = JSON.parse(element.slice(2)) as unknown;
  return list.findIndex((item) => deepEqual(item, value));
}

function lookup(object: unknown, path: FieldPath): { found: boolean; value?: unknown } {
  let node = object;
  for (const element of path) {
    if (element === '.') continue;
    if (element.startsWith('f:')) {
      if (!isObject(node) || !Object.hasOwn(node, element.slice(2))) return { found: false };
      node = node[element.slice(2)];
    } else {
      if (!Array.isArray(node)) return { found: false };
      const at = findItem(node, element);
      if (at < 0) return { found: false };
      node = node[at];
    }
  }
  return { found: true, value: node };
}

function removeAt(object: JsonObject, path: FieldPath): void {
  const last = path[path.length - 1] as string;
  const itemOwned = last === '.';
  const parentPath = itemOwned ? path.slice(0, -2) : path.slice(0, -1);
  const element = itemOwned ? (path[path.length - 2] as string) : last;
  const parent = lookup(object, parentPath);
  if (!parent.found) return;
  if (element.startsWith('f:')) {
    if (isObject(parent.value)) delete parent.value[element.slice(2)];
  } else if (Array.isArray(parent.value)) {
    const at = findItem(parent.value, element);
    if (at >= 0) parent.value.splice(at, 1);
  }
}

function toFieldsV1(paths: Iterable<string>): FieldsV1 {
  const root: FieldsV1 = {};
  for (const encoded of paths) {
    let node = root;
    for (const element of encoded.split(SEPARATOR)) node = node[element] ??= {};
  }
  return root;
}

function fromFieldsV1(tree: FieldsV1, prefix: string[] = [], out = new Set<string>()): Set<string> {
  for (const [element, child] of Object.entries(tree)) {
    const path = [...prefix, element];
    if (Object.keys(child).length === 0) out.add(path.join(SEPARATOR));
    else fromFieldsV1(child, path, out);
  }
  return out;
}

function describePath(encoded: string): string {
  return encoded
    .split(SEPARATOR)
    .filter((element) => element !== '.')
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('v:')) return `[${element.slice(2)}]`;
      const keys = JSON.parse(element.slice(2)) as JsonObject;
      return `[${Object.entries(keys).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(',')}]`;
    })
    .join('');
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface OwnedSet {
  entry: Omit<ManagedFieldsEntry, 'fieldsV1'>;
  fields: Set<string>;
}

function readEntries(object: JsonObject | undefined): OwnedSet[] {
  const metadata = isObject(object?.['metadata']) ? (object['metadata'] as JsonObject) : {};
  const entries = Array.isArray(metadata['managedFields']) ? (metadata['managedFields'] as ManagedFieldsEntry[]) : [];
  return entries.map(({ fieldsV1, ...entry }) => ({ entry, fields: fromFieldsV1(fieldsV1 ?? {}) }));
}

function writeEntries(object: JsonObject, owned: OwnedSet[]): void {
  const metadata = (object['metadata'] ??= {}) as JsonObject;
  const kept = owned.filter((set) => set.fields.size > 0);
  if (kept.length === 0) delete metadata['managedFields'];
  else metadata['managedFields'] = kept.map(({ entry, fields }) => ({ ...entry, fieldsV1: toFieldsV1([...fields].sort()) }));
}

function sameOwner(set: OwnedSet, manager: string, operation: 'Apply' | 'Update', scope: WriteScope): boolean {
  return set.entry.manager === manager && set.entry.operation === operation && (set.entry.subresource ?? 'main') === (scope === 'status' ? 'status' : 'main');
}

function ownerEntry(manager: string, operation: 'Apply' | 'Update', apiVersion: string, scope: WriteScope): OwnedSet['entry'] {
  return { manager, operation, apiVersion, time: now(), fieldsType: 'FieldsV1', ...(scope === 'status' ? { subresource: 'status' } : {}) };
}

/** Records who owns what after a non-apply write turned `before` (absent on create) into `after`.
 * Mutates `after.metadata.managedFields`. */
export function recordUpdate(before: JsonObject | undefined, after: JsonObject, manager: string, apiVersion: string, resolver: ListSemanticsResolver, scope: WriteScope): void {
  const oldFields = before === undefined ? new Set<string>() : fieldSetOf(before, resolver, scope);
  const newFields = fieldSetOf(after, resolver, scope);
  const removed = [...oldFields].filter((path) => !newFields.has(path));
  const changed = [...newFields].filter((path) => {
    if (!oldFields.has(path)) return true;
    // An item marker (`.`) is about the item's existence; its fields are tracked on their own.
    if (path.endsWith(`${SEPARATOR}.`)) return false;
    const split = path.split(SEPARATOR);
    return !deepEqual(lookup(before, split).value, lookup(after, split).value);
  });
  const owned = readEntries(before);
  for (const set of owned) {
    for (const path of removed) set.fields.delete(path);
    if (!sameOwner(set, manager, 'Update', scope)) for (const path of changed) set.fields.delete(path);
  }
  if (changed.length > 0) {
    let mine = owned.find((set) => sameOwner(set, manager, 'Update', scope));
    if (mine === undefined) owned.push((mine = { entry: ownerEntry(manager, 'Update', apiVersion, scope), fields: new Set() }));
    mine.entry = { ...mine.entry, time: now(), apiVersion };
    for (const path of changed) mine.fields.add(path);
  }
  writeEntries(after, owned);
}

function mergeApplied(live: unknown, applied: unknown, resolver: ListSemanticsResolver, path: string[]): unknown {
  if (isObject(applied)) {
    const result: JsonObject = isObject(live) ? { ...live } : {};
    for (const [key, value] of Object.entries(applied)) result[key] = mergeApplied(result[key], value, resolver, [...path, key]);
    return result;
  }
  if (Array.isArray(applied)) {
    const semantics = resolver(path);
    if (semantics.type === 'atomic' || !Array.isArray(live)) return structuredClone(applied);
    const result = [...live];
    for (const item of applied) {
      if (semantics.type === 'set') {
        if (!result.some((existing) => deepEqual(existing, item))) result.push(structuredClone(item));
        continue;
      }
      const key = itemKey(item, semantics.keys);
      const at = result.findIndex((existing) => itemKey(existing, semantics.keys) === key);
      if (at >= 0) result[at] = mergeApplied(result[at], item, resolver, [...path, '[]']);
      else result.push(structuredClone(item));
    }
    return result;
  }
  return structuredClone(applied);
}

export interface ApplyRequest {
  /** The live object, with its managedFields; undefined when the apply creates it. */
  live: JsonObject | undefined;
  /** The applied configuration (already defaulted to the live identity: name, namespace). */
  applied: JsonObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  resolver: ListSemanticsResolver;
  scope: WriteScope;
}

/** Server-side apply: the merged object with updated managedFields, or a 409 naming every
 * conflicting field and its owner. */
export function serverSideApply(request: ApplyRequest): JsonObject {
  const { live, applied, manager, force, apiVersion, resolver, scope } = request;
  const appliedFields = fieldSetOf(applied, resolver, scope);
  const owned = readEntries(live);
  const conflicts: Array<{ manager: string; path: string }> = [];
  for (const set of owned) {
    if (sameOwner(set, manager, 'Apply', scope)) continue;
    for (const path of set.fields) {
      if (!appliedFields.has(path) || path.endsWith(`${SEPARATOR}.`)) continue;
      const split = path.split(SEPARATOR);
      if (deepEqual(lookup(live, split).value, lookup(applied, split).value)) continue;
      if (force) set.fields.delete(path);
      else conflicts.push({ manager: set.entry.manager, path });
    }
  }
  if (conflicts.length > 0) {
    const lines = conflicts.map((conflict) => `conflict with "${conflict.manager}": ${describePath(conflict.path)}`);
    throw new KubeStatusError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${lines.join('\n')}`, {
      causes: conflicts.map((conflict) => ({ reason: 'FieldManagerConflict', message: `conflict with "${conflict.manager}"`, field: describePath(conflict.path) })),
    });
  }
  const body = scope === 'status' ? (applied['status'] === undefined ? {} : { status: applied['status'] }) : Object.fromEntries(Object.entries(applied).filter(([key]) => key !== 'status' && key !== 'apiVersion' && key !== 'kind'));
  const merged = mergeApplied(live ?? {}, body, resolver, []) as JsonObject;
  let mine = owned.find((set) => sameOwner(set, manager, 'Apply', scope));
  const previous = mine?.fields ?? new Set<string>();
  const ownedByOthers = owned.filter((set) => set !== mine).flatMap((set) => [...set.fields]);
  const stillOwned = (path: string) => {
    const prefix = path.endsWith(`${SEPARATOR}.`) ? path.slice(0, -1) : `${path}${SEPARATOR}`;
    return ownedByOthers.some((other) => other === path || other.startsWith(prefix));
  };
  // A path that is now an ancestor of applied fields (an empty map that gained keys) stays.
  const appliedAncestors = new Set([...appliedFields].flatMap((path) => path.split(SEPARATOR).slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join(SEPARATOR))));
  const dropped = [...previous].filter((path) => !appliedFields.has(path) && !appliedAncestors.has(path) && !stillOwned(path));
  // Items first (`.`), so that their key fields are not removed one by one.
  dropped.sort((a, b) => Number(b.endsWith(`${SEPARATOR}.`)) - Number(a.endsWith(`${SEPARATOR}.`)));
  for (const path of dropped) {
    const split = path.split(SEPARATOR);
    const parentItem = split[split.length - 2];
    if (parentItem?.startsWith('k:') && Object.hasOwn(JSON.parse(parentItem.slice(2)) as JsonObject, (split[split.length - 1] as string).slice(2))) continue;
    removeAt(merged, split);
  }
  if (mine === undefined) owned.push((mine = { entry: ownerEntry(manager, 'Apply', apiVersion, scope), fields: new Set() }));
  mine.entry = { ...mine.entry, time: now(), apiVersion };
  mine.fields = appliedFields;
  writeEntries(merged, owned);
  return merged;
}
