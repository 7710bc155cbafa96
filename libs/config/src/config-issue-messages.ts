import type { z } from 'zod';
import type { ConfigIssue } from './config-error';

// Turns zod's issues into the plain sentences an operator reads: the path as it would be
// written in YAML (`servers[1].headers.x-api-key`) and a message that says what the field
// must be. Values are never quoted back (they may be secrets); only their kind is named.
// Messages written on a schema field win over these generic ones (zod's precedence).

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(value) ? 'a whole number' : 'a fractional number';
    case 'boolean':
      return 'true/false';
    default:
      return typeof value;
  }
}

const EXPECTED_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function knownFields(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/** Per-parse zod error map: generic wording for missing, mistyped, out-of-range and unknown fields. */
export const configIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      return `must be ${EXPECTED_WORDS[issue.expected] ?? issue.expected} (got ${kindOf(issue.input)})`;
    }
    case 'unrecognized_keys': {
      const known = knownFields(issue.inst);
      return known.length === 0 ? 'unknown field' : `unknown field (known fields: ${known.join(', ')})`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${issue.minimum} item(s)`;
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${issue.maximum} item(s)`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    default:
      return undefined;
  }
};

/** One zod issue → config issues; an unknown-keys issue becomes one issue per key, and a
 * bad mapping key (e.g. a header name) reports what is wrong with the key. */
export function toConfigIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatConfigPath([...issue.path, key]), message: issue.message }));
  }
  if (issue.code === 'invalid_key') {
    return issue.issues.map((keyIssue) => ({ path: formatConfigPath(issue.path), message: `name ${keyIssue.message}` }));
  }
  return [{ path: formatConfigPath(issue.path), message: issue.message }];
}
