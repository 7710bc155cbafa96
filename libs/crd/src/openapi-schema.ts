// The subset of OpenAPI v3 that Kubernetes accepts in a CRD's structural schema
// (apiextensions.k8s.io/v1 JSONSchemaProps), typed so the schemas in this lib are checked
// by the compiler. Only the keywords the gateway's schemas use are listed.

/** A CEL validation rule (Kubernetes "Validation rules", x-kubernetes-validations). */
export interface CelValidationRule {
  rule: string;
  /** What the user reads when the rule fails: say what to do, not what CEL returned. */
  message: string;
  /** Reason reported to the client; FieldValueInvalid when unset. */
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
}

export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  enum?: Array<string | number>;
  default?: unknown;
  format?: 'date-time' | 'int32' | 'int64';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  'x-kubernetes-validations'?: CelValidationRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
}
