// Field selectors (`fieldSelector`): `metadata.name=x`, `metadata.namespace!=y`, and any
// other dotted path to a scalar (`type=kubernetes.io/tls`, `spec.nodeName=n`). The real
// server only allows a per-kind list of fields; this fake allows every scalar path.
import { badRequest } from './kube-status-error';

export type FieldSelector = (object: Readonly<Record<string, unknown>>) => boolean;

function valueAt(object: unknown, path: string): string {
  let node = object;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return '';
    node = (node as Record<string, unknown>)[part];
  }
  return node === undefined || node === null ? '' : String(node);
}

export function parseFieldSelector(text: string | null): FieldSelector {
  if (text === null || text.trim() === '') return () => true;
  const requirements = text.split(',').map((part) => {
    const match = /^\s*([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!match) throw badRequest(`invalid field selector: ${JSON.stringify(part)}`);
    return { path: match[1] as string, negate: match[2] === '!=', value: match[3] as string };
  });
  return (object) => requirements.every(({ path, negate, value }) => (valueAt(object, path) === value) !== negate);
}
