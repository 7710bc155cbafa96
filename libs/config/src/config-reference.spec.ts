import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENT_OVERRIDES, parseGatewayConfig } from './index';

// The README is the reference operators read: it must name every field the schema accepts,
// with the default the code applies, and every environment variable.

const readme = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');

/** Leaf fields of a configuration object, as README paths (`servers[].prefix`), with values. */
function leaves(value: unknown, prefix: string): Array<[string, unknown]> {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return typeof first === 'object' && first !== null ? leaves(first, `${prefix}[]`) : [[prefix, value]];
  }
  if (typeof value === 'object' && value !== null && Object.keys(value).length > 0 && !prefix.endsWith('headers')) {
    return Object.entries(value).flatMap(([key, nested]) => leaves(nested, prefix === '' ? key : `${prefix}.${key}`));
  }
  return [[prefix, value]];
}

function readmeRow(field: string): string | undefined {
  return readme.split('\n').find((line) => line.startsWith(`| \`${field}\` |`));
}

describe('README reference', () => {
  const defaults = parseGatewayConfig('servers:\n  - { name: a, url: "http://a/mcp" }\n', {});

  it('lists every defaulted field with the default the code applies', () => {
    for (const [field, value] of leaves(defaults, '')) {
      if (field === 'servers[].name' || field === 'servers[].url') continue;
      const row = readmeRow(field);
      expect({ field, row }).toEqual({ field, row: expect.any(String) });
      const shown = Array.isArray(value) ? `[${value.map((item) => `'${String(item)}'`).join(', ')}]` : typeof value === 'string' ? value : String(value);
      const rendered = typeof value === 'object' && value !== null && !Array.isArray(value) ? '{}' : shown;
      expect({ field, row }).toEqual({ field, row: expect.stringContaining(`| \`${value === '' ? "''" : rendered}\``) });
    }
  });

  it('lists the optional fields that have no default', () => {
    for (const field of ['servers[].name', 'servers[].url', 'servers[].credential', 'servers[].credential.header', 'servers[].credential.valueFromEnv', 'servers[].credential.valueFromFile', 'servers[].credential.value', 'sessionStore.url', 'session.signingSecret']) {
      expect({ field, row: readmeRow(field) }).toEqual({ field, row: expect.any(String) });
    }
  });

  it('documents every environment override', () => {
    for (const { variable, path: fieldPath } of ENVIRONMENT_OVERRIDES) {
      expect(readme).toContain(`| \`${variable}\` | \`${fieldPath.join('.')}\` |`);
    }
  });
});
