// Label selectors as the `labelSelector` query parameter spells them (Kubernetes docs,
// "Labels and Selectors"): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
// comma-separated and all required.
import { badRequest } from './kube-status-error';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type LabelSelector = (labels: Readonly<Record<string, string>>) => boolean;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function parseRequirement(text: string): Requirement {
  let match = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (match) return { op: match[2] as 'in' | 'notin', key: match[1] as string, values: (match[3] as string).split(',').map((v) => v.trim()) };
  match = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(text);
  if (match) return { op: match[2] === '!=' ? 'neq' : 'eq', key: match[1] as string, value: match[3] as string };
  match = /^(!?)\s*([^\s!=()]+)$/.exec(text);
  if (match) return { op: match[1] === '!' ? 'notexists' : 'exists', key: match[2] as string };
  throw badRequest(`unable to parse requirement: ${JSON.stringify(text)}`);
}

export function parseLabelSelector(text: string | null): LabelSelector {
  if (text === null || text.trim() === '') return () => true;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (labels) =>
    requirements.every((requirement) => {
      const has = Object.hasOwn(labels, requirement.key);
      const value = labels[requirement.key];
      switch (requirement.op) {
        case 'eq':
          return value === requirement.value;
        case 'neq':
          return value !== requirement.value;
        case 'in':
          return has && requirement.values.includes(value as string);
        case 'notin':
          return !has || !requirement.values.includes(value as string);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
    });
}
