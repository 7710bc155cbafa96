// One served version of a CustomResourceDefinition: what the API server does with a custom
// object on every write (Kubernetes docs, "Extend the Kubernetes API with
// CustomResourceDefinitions"): prune unknown fields, drop nulls the schema does not allow,
// apply `default`s, validate against the OpenAPI v3 schema, then run the CEL rules in
// `x-kubernetes-validations` (transition rules, those naming `oldSelf`, only on update and
// only where the old object has a value at the same place).
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { CelExpression, type CelValue } from './cel-expression';
import type { StatusCause } from './kube-status-error';
import { ATOMIC, type ListSemantics, type ListSemanticsResolver } from './list-semantics';

export type JsonObject = { [key: string]: unknown };

export interface OpenApiSchema {
  type?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  default?: unknown;
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: Array<{ rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string }>;
  [keyword: string]: unknown;
}

export class CrdSchemaError extends Error {
  override readonly name = 'CrdSchemaError';
}

interface CompiledRule {
  readonly expression: CelExpression;
  readonly message?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
addFormats(ajv);
// Formats the Kubernetes OpenAPI dialect uses that carry no extra check here.
for (const format of ['int32', 'int64', 'float', 'double', 'password', 'byte', 'quantity']) ajv.addFormat(format, true);

/** The OpenAPI v3 dialect of CRDs, rewritten as plain JSON Schema for ajv. */
function toJsonSchema(schema: OpenApiSchema): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'default' || key === 'description' || key === 'example') continue;
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Record<string, OpenApiSchema>).map(([name, sub]) => [name, toJsonSchema(sub)]));
    else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = toJsonSchema(value as OpenApiSchema);
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[key] = (value as OpenApiSchema[]).map(toJsonSchema);
    else if (key === 'not') out[key] = toJsonSchema(value as OpenApiSchema);
    else out[key] = value;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out['type'];
    out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.nullable && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  if (schema.nullable && Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as unknown[]), null];
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keepsUnknownFields(schema: OpenApiSchema): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-embedded-resource'] === true;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? '"array"' : '"object"';
}

function celTypeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  return Array.isArray(value) ? 'array' : 'object';
}

function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => (/^[0-9]+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const part of pointer.split('/').slice(1)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    else return undefined;
  }
  return node;
}

/** ajv's errors worded the way the API server words field errors. */
function causeOf(error: ErrorObject, object: unknown): StatusCause {
  const field = pointerToField(error.instancePath);
  const value = valueAt(object, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      return { reason: 'FieldValueRequired', field: field === '' ? missing : `${field}.${missing}`, message: 'Required value' };
    }
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        field,
        message: `Unsupported value: ${describeValue(value)}: supported values: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'type':
      return { reason: 'FieldValueTypeInvalid', field, message: `Invalid value: ${JSON.stringify(celTypeName(value))}: ${field} in body must be of type ${String(params['type'])}: ${JSON.stringify(celTypeName(value))}` };
    case 'pattern':
      return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${describeValue(value)}: ${field} in body should match '${String(params['pattern'])}'` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { minimum: 'greater than or equal to', maximum: 'less than or equal to', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' };
      return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${describeValue(value)}: ${field} in body should be ${words[error.keyword]} ${String(params['limit'])}` };
    }
    case 'minLength':
      return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${describeValue(value)}: ${field} in body should be at least ${String(params['limit'])} chars long` };
    case 'maxLength':
      return { reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${String(params['limit'])} bytes` };
    case 'minItems':
      return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${String(Array.isArray(value) ? value.length : 0)}: ${field} in body should have at least ${String(params['limit'])} items` };
    case 'maxItems':
      return { reason: 'FieldValueTooMany', field, message: `Too many: ${String(Array.isArray(value) ? value.length : 0)}: must have at most ${String(params['limit'])} items` };
    default:
      return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${describeValue(value)}: ${field} in body ${error.message ?? 'is invalid'}` };
  }
}

export class CrdVersionSchema {
  private readonly validator: ValidateFunction;
  private readonly rules = new Map<OpenApiSchema, CompiledRule[]>();

  constructor(private readonly root: OpenApiSchema) {
    try {
      this.validator = ajv.compile(toJsonSchema(root));
    } catch (error) {
      throw new CrdSchemaError(`spec.versions[].schema.openAPIV3Schema: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.compileRules(root, 'spec.versions[].schema.openAPIV3Schema');
  }

  private compileRules(schema: OpenApiSchema, where: string): void {
    const validations = schema['x-kubernetes-validations'];
    if (validations !== undefined) {
      this.rules.set(
        schema,
        validations.map((validation) => {
          try {
            return {
              expression: CelExpression.compile(validation.rule),
              ...(validation.message === undefined ? {} : { message: validation.message }),
              ...(validation.reason === undefined ? {} : { reason: validation.reason }),
              ...(validation.fieldPath === undefined ? {} : { fieldPath: validation.fieldPath }),
            };
          } catch (error) {
            throw new CrdSchemaError(`${where}.x-kubernetes-validations: compilation failed for rule ${JSON.stringify(validation.rule)}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }),
      );
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) this.compileRules(sub, `${where}.properties[${name}]`);
    if (schema.items) this.compileRules(schema.items, `${where}.items`);
    if (typeof schema.additionalProperties === 'object') this.compileRules(schema.additionalProperties, `${where}.additionalProperties`);
  }

  /** Removes fields the schema does not know and nulls it does not allow; returns their paths
   * (the server reports them as `unknown field` warnings). Mutates `object`. */
  prune(object: JsonObject): string[] {
    const pruned: string[] = [];
    const walk = (value: unknown, schema: OpenApiSchema, path: string, isRoot: boolean): void => {
      if (Array.isArray(value)) {
        if (schema.items) value.forEach((item, i) => walk(item, schema.items as OpenApiSchema, `${path}[${i}]`, false));
        return;
      }
      if (!isObject(value) || keepsUnknownFields(schema)) return;
      for (const key of Object.keys(value)) {
        if (isRoot && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
        const field = path === '' ? key : `${path}.${key}`;
        const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (sub === undefined && schema.additionalProperties !== true) {
          delete value[key];
          pruned.push(field);
        } else if (sub !== undefined) {
          if (value[key] === null && !sub.nullable) delete value[key];
          else walk(value[key], sub, field, false);
        }
      }
    };
    walk(object, this.root, '', true);
    return pruned;
  }

  /** Sets every missing field that has a `default`, in objects that exist. Mutates `object`. */
  applyDefaults(object: JsonObject): void {
    const walk = (value: unknown, schema: OpenApiSchema): void => {
      if (Array.isArray(value)) {
        if (schema.items) value.forEach((item) => walk(item, schema.items as OpenApiSchema));
        return;
      }
      if (!isObject(value)) return;
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (!(key in value) && sub.default !== undefined) value[key] = structuredClone(sub.default);
        if (key in value) walk(value[key], sub);
      }
      if (typeof schema.additionalProperties === 'object') {
        for (const key of Object.keys(value)) if (!schema.properties?.[key]) walk(value[key], schema.additionalProperties);
      }
    };
    walk(object, this.root);
  }

  /** Every problem with the object, schema first, then CEL rules (only when the schema passed,
   * as the server does: rules may assume the shape the schema guarantees). */
  validate(object: JsonObject, old: JsonObject | undefined): StatusCause[] {
    if (!this.validator(object)) return (this.validator.errors ?? []).map((error) => causeOf(error, object));
    const causes: StatusCause[] = [];
    this.checkRules(object, old, this.root, '', causes);
    return causes;
  }

  private checkRules(value: unknown, old: unknown, schema: OpenApiSchema, path: string, causes: StatusCause[]): void {
    for (const rule of this.rules.get(schema) ?? []) {
      if (rule.expression.referencesOldSelf && old === undefined) continue;
      let passed: boolean;
      let detail = rule.message ?? `failed rule: ${rule.expression.source}`;
      try {
        passed = rule.expression.evaluate({ self: value as CelValue, ...(old === undefined ? {} : { oldSelf: old as CelValue }) }) === true;
      } catch (error) {
        passed = false;
        if (rule.message === undefined) detail = `${detail}: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (!passed) {
        const field = rule.fieldPath === undefined ? path : `${path}${rule.fieldPath}`.replace(/^\./, '');
        causes.push({ reason: rule.reason ?? 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(celTypeName(value))}: ${detail}` });
      }
    }
    const join = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (Array.isArray(value) && schema.items) {
      const semantics = this.listSemanticsOf(schema);
      value.forEach((item, i) => {
        const oldItem = semantics.type === 'map' && Array.isArray(old) ? old.find((candidate) => semantics.keys.every((key) => isObject(candidate) && isObject(item) && candidate[key] === item[key])) : undefined;
        this.checkRules(item, oldItem, schema.items as OpenApiSchema, `${path}[${i}]`, causes);
      });
    } else if (isObject(value)) {
      const oldObject = isObject(old) ? old : undefined;
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (key in value) this.checkRules(value[key], oldObject?.[key], sub, join(key), causes);
      }
      if (typeof schema.additionalProperties === 'object') {
        for (const key of Object.keys(value)) {
          if (!schema.properties?.[key]) this.checkRules(value[key], oldObject?.[key], schema.additionalProperties, join(key), causes);
        }
      }
    }
  }

  private listSemanticsOf(schema: OpenApiSchema): ListSemantics {
    const type = schema['x-kubernetes-list-type'];
    if (type === 'set') return { type: 'set' };
    if (type === 'map') return { type: 'map', keys: schema['x-kubernetes-list-map-keys'] ?? [] };
    return ATOMIC;
  }

  /** List semantics at a path of field names (`[]` for list items), from the schema. */
  readonly listSemantics: ListSemanticsResolver = (path) => {
    let schema: OpenApiSchema | undefined = this.root;
    for (const part of path) {
      if (schema === undefined) return ATOMIC;
      schema = part === '[]' ? schema.items : (schema.properties?.[part] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined));
    }
    if (path[0] === 'metadata') {
      if (path.join('.') === 'metadata.ownerReferences') return { type: 'map', keys: ['uid'] };
      if (path.join('.') === 'metadata.finalizers') return { type: 'set' };
    }
    return schema === undefined ? ATOMIC : this.listSemanticsOf(schema);
  };
}
