import { describe, it, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  buildCustomResourceDefinition,
  ConditionReason,
  ConditionType,
  CRD_REFERENCE_PATH,
  GATEWAY_KINDS,
  GENERATE_CRD_REFERENCE_COMMAND,
  renderCrdReference,
} from './index';
import type { OpenApiSchema } from './index';

// docs/reference/crds.md is generated from this lib. These tests fail when the committed
// file is stale, and check the reference against the CRD schemas walked independently here,
// so a field or reason added to the lib cannot be missing from the docs.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function committedReference(): string | undefined {
  try {
    return readFileSync(path.join(repositoryRoot, CRD_REFERENCE_PATH), 'utf8');
  } catch {
    return undefined;
  }
}

/** Every property path under `prefix`, with its schema (arrays' items as `name[]`). */
function schemaPaths(prefix: string, schema: OpenApiSchema): Array<[string, OpenApiSchema]> {
  const children = Object.entries(schema.properties ?? {}).flatMap(([name, child]) => schemaPaths(`${prefix}.${name}`, child));
  const items = schema.items === undefined ? [] : schemaPaths(`${prefix}[]`, schema.items);
  return [[prefix, schema], ...children, ...items];
}

/** The text of the reference between `## <kind>` and the next `## ` heading. */
function kindSection(reference: string, kind: string): string {
  const start = reference.indexOf(`\n## ${kind}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = reference.indexOf('\n## ', start + 1);
  return reference.slice(start, end === -1 ? undefined : end);
}

/** The table row whose first cell is the code span `` `path` ``. */
function fieldRow(section: string, fieldPath: string): string | undefined {
  return section.split('\n').find((line) => line.startsWith(`| \`${fieldPath}\` |`));
}

function storedSchema(kindIndex: number): OpenApiSchema {
  const kind = GATEWAY_KINDS[kindIndex];
  if (kind === undefined) throw new Error(`no kind ${kindIndex}`);
  const stored = buildCustomResourceDefinition(kind).spec.versions.find((version) => version.storage);
  if (stored === undefined) throw new Error(`${kind.kind} has no storage version`);
  return stored.schema.openAPIV3Schema;
}

describe('CRD reference', () => {
  const reference = renderCrdReference();

  it('the committed docs/reference/crds.md matches the lib', () => {
    const problem = committedReference() === reference ? undefined : `${CRD_REFERENCE_PATH} is stale or missing. Run \`${GENERATE_CRD_REFERENCE_COMMAND}\` and commit the result.`;
    expect(problem).toBeUndefined();
  });

  it('says it is generated, and by which command', () => {
    expect(reference.split('\n').slice(0, 3)).toContain(`Generated from libs/crd by \`${GENERATE_CRD_REFERENCE_COMMAND}\`; do not edit.`);
  });

  it('has one row for every spec and status field of every kind, with its default, enum values and CEL messages', () => {
    GATEWAY_KINDS.forEach((kind, index) => {
      const section = kindSection(reference, kind.kind);
      const root = storedSchema(index);
      for (const part of ['spec', 'status'] as const) {
        const schema = root.properties?.[part];
        if (schema === undefined) throw new Error(`${kind.kind} has no ${part}`);
        for (const [fieldPath, field] of schemaPaths(part, schema)) {
          const row = fieldRow(section, fieldPath);
          expect({ kind: kind.kind, fieldPath, found: row !== undefined }).toEqual({ kind: kind.kind, fieldPath, found: true });
          if (field.default !== undefined) expect(row).toContain(`\`${JSON.stringify(field.default)}\``);
          for (const value of field.enum ?? []) expect(row).toContain(`\`${String(value)}\``);
          if (field.maxLength !== undefined) expect(row).toContain(`maxLength ${field.maxLength}`);
          for (const rule of field['x-kubernetes-validations'] ?? []) expect(row).toContain(rule.message);
        }
      }
    });
  });

  it('gives each kind its short names, versions with the storage one, and printer columns', () => {
    GATEWAY_KINDS.forEach((kind) => {
      const section = kindSection(reference, kind.kind);
      const definition = buildCustomResourceDefinition(kind);
      for (const shortName of definition.spec.names.shortNames) expect(section).toContain(`| Short names | \`${shortName}\``);
      const stored = definition.spec.versions.find((version) => version.storage);
      expect(section).toContain(`| Storage version | \`${stored?.name ?? ''}\` |`);
      for (const version of definition.spec.versions) expect(section).toContain(`\`${version.name}\` (served`);
      for (const column of kind.printerColumns) expect(section).toContain(`| ${column.name} | ${column.type} | \`${column.jsonPath}\` |`);
    });
  });

  it('lists every condition type and every condition reason with a meaning', () => {
    const conditions = reference.slice(reference.indexOf('\n## Conditions\n'));
    for (const value of [...Object.values(ConditionType), ...Object.values(ConditionReason)]) {
      expect(conditions).toMatch(new RegExp(`^\\| \`${value}\` \\| \\S`, 'm'));
    }
  });

  it('keeps every table row to its header\'s columns, even when a CEL rule holds "||"', () => {
    const lines = reference.split('\n');
    const cellCount = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    let expected: number | undefined;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        expected = undefined;
        continue;
      }
      expected ??= cellCount(line);
      expect({ line, cells: cellCount(line) }).toEqual({ line, cells: expected });
    }
    expect(reference).toContain('\\|\\|');
  });

  it('the generate command writes exactly the rendered reference', async () => {
    const output = mkdtempSync(path.join(tmpdir(), 'crd-reference-'));
    try {
      const file = path.join(output, 'reference', 'crds.md');
      const script = path.join(repositoryRoot, 'libs', 'crd', 'scripts', 'generate-crd-reference.ts');
      await promisify(execFile)(process.execPath, ['--import', 'tsx', script, file], { cwd: repositoryRoot, timeout: 60_000 });
      expect(readFileSync(file, 'utf8')).toBe(reference);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }, 60_000);
});
