// RFC 6902 JSON Patch (`application/json-patch+json`) with RFC 6901 pointers. A failed
// `test` or a path that does not resolve makes the whole patch fail, leaving the target as
// it was (the caller works on a copy).

export class JsonPatchError extends Error {
  override readonly name = 'JsonPatchError';
}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

type Container = Record<string, unknown> | unknown[];

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function resolveParent(document: unknown, parts: string[], pointer: string): { parent: Container; key: string } {
  let node = document;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isContainer(node)) node = (node as Record<string, unknown>)[part];
    else node = undefined;
    if (!isContainer(node)) throw new JsonPatchError(`path ${pointer} does not exist`);
  }
  if (!isContainer(node)) throw new JsonPatchError(`path ${pointer} does not exist`);
  return { parent: node, key: parts[parts.length - 1] as string };
}

function arrayIndex(array: unknown[], key: string, pointer: string, forInsert: boolean): number {
  if (forInsert && key === '-') return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new JsonPatchError(`invalid array index in ${pointer}`);
  const index = Number(key);
  if (index > array.length || (!forInsert && index === array.length)) throw new JsonPatchError(`array index out of range in ${pointer}`);
  return index;
}

function get(document: unknown, pointer: string): unknown {
  let node = document;
  for (const part of parsePointer(pointer)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, part, pointer, false)];
    else if (isContainer(node) && Object.hasOwn(node, part)) node = (node as Record<string, unknown>)[part];
    else throw new JsonPatchError(`path ${pointer} does not exist`);
  }
  return node;
}

function remove(document: unknown, pointer: string): unknown {
  const { parent, key } = resolveParent(document, parsePointer(pointer), pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, pointer, false), 1)[0];
  if (!Object.hasOwn(parent, key)) throw new JsonPatchError(`path ${pointer} does not exist`);
  const value = parent[key];
  delete parent[key];
  return value;
}

function add(document: unknown, pointer: string, value: unknown): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return value;
  const { parent, key } = resolveParent(document, parts, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
  return document;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isContainer(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  return value;
}

export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let document = structuredClone(target);
  for (const raw of operations as Operation[]) {
    if (!isContainer(raw) || typeof raw.path !== 'string') throw new JsonPatchError('every operation needs "op" and "path"');
    switch (raw.op) {
      case 'add':
        document = add(document, raw.path, structuredClone(raw.value));
        break;
      case 'remove':
        remove(document, raw.path);
        break;
      case 'replace':
        if (parsePointer(raw.path).length === 0) document = structuredClone(raw.value);
        else {
          remove(document, raw.path);
          document = add(document, raw.path, structuredClone(raw.value));
        }
        break;
      case 'move': {
        const value = remove(document, raw.from ?? '');
        document = add(document, raw.path, value);
        break;
      }
      case 'copy':
        document = add(document, raw.path, structuredClone(get(document, raw.from ?? '')));
        break;
      case 'test':
        if (!deepEqual(get(document, raw.path), raw.value)) throw new JsonPatchError(`test operation failed at ${raw.path}`);
        break;
      default:
        throw new JsonPatchError(`unknown JSON patch operation ${JSON.stringify((raw as { op: unknown }).op)}`);
    }
  }
  return document;
}
