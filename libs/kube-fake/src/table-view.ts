// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which
// `kubectl get` asks for: Name, the CRD's additionalPrinterColumns (JSONPath, `date` columns
// shown as an age), or Name and Age for built-in kinds.
import type { JsonObject } from './object-store';
import type { PrinterColumn, ResourceType } from './resource-type';

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept.split(',')[0] ?? '');
}

function humanAge(since: unknown): string {
  const start = Date.parse(String(since));
  if (Number.isNaN(start)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((Date.now() - start) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

/** The JSONPath subset printer columns use: `.a.b`, `[0]`, `[*]`, `[?(@.type=="Ready")]`. */
export function evaluateJsonPath(root: unknown, expression: string): unknown[] {
  const tokens = expression.replace(/^\{|\}$/g, '').match(/\.[A-Za-z0-9_-]+|\[\?\(@\.[A-Za-z0-9_.-]+\s*(==|!=)\s*(?:"[^"]*"|'[^']*')\)\]|\[\*\]|\[\d+\]/g) ?? [];
  let current: unknown[] = [root];
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const node of current) {
      if (token.startsWith('.')) {
        if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
          const value = (node as JsonObject)[token.slice(1)];
          if (value !== undefined) next.push(value);
        }
      } else if (token === '[*]') {
        if (Array.isArray(node)) next.push(...node);
      } else if (/^\[\d+\]$/.test(token)) {
        if (Array.isArray(node) && node[Number(token.slice(1, -1))] !== undefined) next.push(node[Number(token.slice(1, -1))]);
      } else if (Array.isArray(node)) {
        const match = /^\[\?\(@\.([A-Za-z0-9_.-]+)\s*(==|!=)\s*["'](.*)["']\)\]$/.exec(token) as RegExpExecArray;
        const [, fieldPath, op, wanted] = match;
        for (const item of node) {
          const value = evaluateJsonPath(item, `.${fieldPath}`)[0];
          if ((String(value) === wanted) === (op === '==')) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

function cell(object: JsonObject, column: PrinterColumn): unknown {
  const values = evaluateJsonPath(object, column.jsonPath);
  if (values.length === 0) return column.type === 'date' ? '<unknown>' : '';
  const value = values[0];
  if (column.type === 'date') return humanAge(value);
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

export function toTable(type: ResourceType, version: string, body: JsonObject): JsonObject {
  const items = Array.isArray(body['items']) ? (body['items'] as JsonObject[]) : [body];
  const custom = type.printerColumns?.(version) ?? [];
  const columns: PrinterColumn[] = [
    { name: 'Name', type: 'string', jsonPath: '.metadata.name', description: 'Name must be unique within a namespace.' },
    ...(custom.length > 0 ? custom : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }]),
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: (body['metadata'] as JsonObject | undefined)?.['resourceVersion'] ?? '' },
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type === 'date' ? 'string' : column.type,
      format: column.name === 'Name' ? 'name' : '',
      description: column.description ?? '',
      priority: column.priority ?? 0,
    })),
    rows: items.map((item) => ({
      cells: columns.map((column) => cell(item, column)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item['metadata'] },
    })),
  };
}
