// Strategic merge patch (`application/strategic-merge-patch+json`, Kubernetes docs "Update
// API Objects in Place Using kubectl patch"): like a JSON merge patch, except that lists the
// kind declares mergeable (containers by name, env by name, ...) merge item by item on their
// merge key, and the `$patch`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…` and
// `$retainKeys` directives kubectl sends are honoured or dropped, never stored.
import { mergeKeyOf, type ListSemanticsResolver } from './list-semantics';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('$')).map(([key, item]) => [key, stripDirectives(item)]));
}

function mergeList(target: unknown, patch: unknown[], resolver: ListSemanticsResolver, path: string[]): unknown[] {
  const semantics = resolver(path);
  const current = Array.isArray(target) ? [...target] : [];
  if (semantics.type === 'set') {
    for (const item of patch) if (!current.includes(item)) current.push(item);
    return current;
  }
  const mergeKey = mergeKeyOf(semantics);
  if (mergeKey === undefined) return patch.filter((item) => !(isObject(item) && item['$patch'] === 'delete')).map(stripDirectives);
  if (patch.some((item) => isObject(item) && item['$patch'] === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item['$patch'] === 'replace')).map(stripDirectives);
  }
  for (const item of patch) {
    if (!isObject(item)) continue;
    const at = current.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item['$patch'] === 'delete') {
      if (at >= 0) current.splice(at, 1);
    } else if (at >= 0) {
      current[at] = applyStrategicMergePatch(current[at], item, resolver, [...path, '[]']);
    } else {
      current.push(stripDirectives(item));
    }
  }
  return current;
}

export function applyStrategicMergePatch(target: unknown, patch: unknown, resolver: ListSemanticsResolver, path: string[] = []): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch['$patch'] === 'replace') return stripDirectives(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/') && Array.isArray(value)) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = list.filter((item) => !value.includes(item));
      continue;
    }
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(result[key], value, resolver, [...path, key]);
    else if (isObject(value)) result[key] = applyStrategicMergePatch(result[key], value, resolver, [...path, key]);
    else result[key] = value;
  }
  return result;
}
