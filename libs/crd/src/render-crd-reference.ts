import { stringify } from 'yaml';
import { CONDITION_REASON_DESCRIPTIONS, CONDITION_TYPE_DESCRIPTIONS, ConditionReason, ConditionStatus, ConditionType } from './condition';
import { CRD_EXAMPLES } from './crd-examples';
import type { CustomResourceDefinition } from './custom-resource-definition';
import { buildCustomResourceDefinition, GATEWAY_KINDS } from './custom-resource-definition';
import type { PrinterColumn } from './custom-resource-kind';
import type { OpenApiSchema } from './openapi-schema';
import { CRD_OUTPUT_DIRECTORY } from './render-crd-files';

// The CRD reference (docs/reference/crds.md), rendered from the very CustomResourceDefinition
// objects the chart's YAML is rendered from, so the docs cannot claim a field, default or
// rule the API server does not enforce. Pure (no file access): the script writes it, the
// drift test compares it with the committed file.

/** Where the reference lives, relative to the repository root. */
export const CRD_REFERENCE_PATH = 'docs/reference/crds.md';
export const GENERATE_CRD_REFERENCE_COMMAND = 'node --import tsx libs/crd/scripts/generate-crd-reference.ts';

/** One row of a field table: a schema node and where it sits in the object. */
export interface CrdReferenceField {
  /** Dotted path from the object root: `spec.targetRef.name`, `spec.tools[]`. */
  path: string;
  schema: OpenApiSchema;
  required: boolean;
}

/**
 * Every node of `schema` below `path`, depth first in declaration order. Array items get a
 * `[]` row of their own only when they carry something to document (validation or fields).
 */
export function listSchemaFields(path: string, schema: OpenApiSchema, required = false): CrdReferenceField[] {
  const fields: CrdReferenceField[] = [{ path, schema, required }];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    fields.push(...listSchemaFields(`${path}.${name}`, child, schema.required?.includes(name) ?? false));
  }
  if (schema.items !== undefined) {
    fields.push(...listSchemaFields(`${path}[]`, schema.items, false));
  }
  return fields;
}

/** The storage version's schema under `property` (`spec` or `status`); every version has the same one. */
function rootProperty(definition: CustomResourceDefinition, property: 'spec' | 'status'): OpenApiSchema {
  const stored = definition.spec.versions.find((version) => version.storage) ?? definition.spec.versions[0];
  const schema = stored?.schema.openAPIV3Schema.properties?.[property];
  if (schema === undefined) throw new Error(`${definition.spec.names.kind} has no ${property} schema`);
  return schema;
}

// GFM splits table rows on every unescaped `|`, even inside code spans, so cells escape it.
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function typeOf(schema: OpenApiSchema): string {
  const base = schema.type ?? 'any';
  // The format is a validation rule and is listed there.
  return base === 'array' && schema.items !== undefined ? `array of ${typeOf(schema.items)}` : base;
}

function validationOf(schema: OpenApiSchema): string[] {
  const rules: string[] = [];
  if (schema.enum !== undefined) rules.push(`one of ${schema.enum.map((value) => code(String(value))).join(', ')}`);
  if (schema.format !== undefined) rules.push(`format ${code(schema.format)}`);
  if (schema.pattern !== undefined) rules.push(`pattern ${code(schema.pattern)}`);
  if (schema.minLength !== undefined) rules.push(`minLength ${schema.minLength}`);
  if (schema.maxLength !== undefined) rules.push(`maxLength ${schema.maxLength}`);
  if (schema.minimum !== undefined) rules.push(`minimum ${schema.minimum}`);
  if (schema.maximum !== undefined) rules.push(`maximum ${schema.maximum}`);
  if (schema.minItems !== undefined) rules.push(`minItems ${schema.minItems}`);
  if (schema.maxItems !== undefined) rules.push(`maxItems ${schema.maxItems}`);
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== undefined) {
    const keys = schema['x-kubernetes-list-map-keys'];
    rules.push(`list type ${code(listType)}${keys === undefined ? '' : ` keyed by ${keys.map(code).join(', ')}`}`);
  }
  for (const validation of schema['x-kubernetes-validations'] ?? []) {
    const reason = validation.reason === undefined ? '' : ` (${validation.reason}${validation.fieldPath === undefined ? '' : ` at ${code(validation.fieldPath)}`})`;
    rules.push(`CEL ${code(validation.rule)}, else${reason}: "${validation.message}"`);
  }
  return rules;
}

function fieldTable(fields: CrdReferenceField[]): string {
  return table(
    ['Field', 'Type', 'Required', 'Default', 'Validation', 'Description'],
    fields.map((field) => [
      code(field.path),
      typeOf(field.schema),
      field.required ? 'required' : 'optional',
      field.schema.default === undefined ? '' : code(JSON.stringify(field.schema.default)),
      validationOf(field.schema).join('<br>'),
      field.schema.description ?? '',
    ]),
  );
}

function printerColumnTable(columns: PrinterColumn[]): string {
  return table(
    ['Column', 'Type', 'JSONPath', 'Shown', 'Description'],
    columns.map((column) => [
      column.name,
      column.type,
      code(column.jsonPath),
      (column.priority ?? 0) === 0 ? 'always' : 'with `-o wide`',
      column.description ?? '',
    ]),
  );
}

function versionList(definition: CustomResourceDefinition): string {
  return definition.spec.versions
    .map((version) => {
      const notes = [version.served ? 'served' : 'not served', ...(version.storage ? ['storage version'] : []), ...(version.deprecated === true ? ['deprecated'] : [])];
      return `${code(version.name)} (${notes.join(', ')})`;
    })
    .join(', ');
}

function kindSection(definition: CustomResourceDefinition, description: string, example: unknown): string {
  const { names, group, scope } = definition.spec;
  const stored = definition.spec.versions.find((version) => version.storage);
  const deprecations = definition.spec.versions.filter((version) => version.deprecationWarning !== undefined);
  const overview = table(
    ['Property', 'Value'],
    [
      ['Group', code(group)],
      ['Kind', code(names.kind)],
      ['List kind', code(names.listKind)],
      ['Plural', code(names.plural)],
      ['Singular', code(names.singular)],
      ['Short names', names.shortNames.map(code).join(', ')],
      ['Categories', names.categories.map(code).join(', ')],
      ['Versions', versionList(definition)],
      ['Storage version', stored === undefined ? '' : code(stored.name)],
      ['Scope', scope],
      ['Subresources', stored?.subresources.status === undefined ? '' : '`status`'],
      ['CRD name', code(definition.metadata.name)],
    ],
  );
  return [
    `## ${names.kind}`,
    '',
    description,
    '',
    overview,
    '',
    ...deprecations.map((version) => `Using ${code(version.name)} makes the API server warn: "${version.deprecationWarning ?? ''}"`),
    ...(deprecations.length === 0 ? [] : ['']),
    `### ${names.kind} printer columns`,
    '',
    'What `kubectl get` shows.',
    '',
    printerColumnTable(stored?.additionalPrinterColumns ?? []),
    '',
    `### ${names.kind} spec`,
    '',
    fieldTable(listSchemaFields('spec', rootProperty(definition, 'spec'), true)),
    '',
    `### ${names.kind} status`,
    '',
    'Written by the operator through the `status` subresource; see [Conditions](#conditions) for types and reasons.',
    '',
    fieldTable(listSchemaFields('status', rootProperty(definition, 'status'))),
    '',
    ...(example === undefined ? [] : [`### ${names.kind} example`, '', '```yaml', stringify(example, { lineWidth: 0 }).trimEnd(), '```', '']),
  ].join('\n');
}

function conditionSection(): string {
  return [
    '## Conditions',
    '',
    'Every kind reports `status.conditions` shaped like `metav1.Condition`, at most one per type, so',
    '`kubectl wait --for=condition=Ready` works. `observedGeneration` says which spec generation a',
    'condition describes.',
    '',
    '### Condition types',
    '',
    table(
      ['Type', 'Meaning'],
      Object.values(ConditionType).map((type) => [code(type), CONDITION_TYPE_DESCRIPTIONS[type]]),
    ),
    '',
    `Each condition's status is one of ${Object.values(ConditionStatus).map(code).join(', ')}.`,
    '',
    '### Condition reasons',
    '',
    table(
      ['Reason', 'Meaning'],
      Object.values(ConditionReason).map((reason) => [code(reason), CONDITION_REASON_DESCRIPTIONS[reason]]),
    ),
    '',
  ].join('\n');
}

export function renderCrdReference(): string {
  const definitions = GATEWAY_KINDS.map(buildCustomResourceDefinition);
  const contents = [
    ...definitions.map((definition) => `- [${definition.spec.names.kind}](#${definition.spec.names.kind.toLowerCase()}) (${definition.spec.names.shortNames.map(code).join(', ')})`),
    '- [Conditions](#conditions)',
  ];
  return [
    '# Custom resource reference',
    '',
    `Generated from libs/crd by ${code(GENERATE_CRD_REFERENCE_COMMAND)}; do not edit.`,
    '',
    `Every field, default and validation rule of the MCP Gateway's custom resources, as the CRDs in`,
    `\`${CRD_OUTPUT_DIRECTORY}/\` declare them, and every condition the operator writes. Each kind`,
    'also has the standard `apiVersion`, `kind` and `metadata` fields. Guides: [operator.md](../operator.md).',
    '',
    ...contents,
    '',
    ...GATEWAY_KINDS.map((kind, index) => {
      const definition = definitions[index];
      if (definition === undefined) throw new Error(`no CRD built for ${kind.kind}`);
      const example = CRD_EXAMPLES.find((candidate) => candidate.kind === kind.kind);
      return kindSection(definition, kind.description, example);
    }),
    conditionSection(),
  ].join('\n');
}
