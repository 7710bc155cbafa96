import type { McpApiVersion } from './api-group';
import type { ResourceStatus } from './condition';
import type { OpenApiSchema } from './openapi-schema';

// What a gateway kind is, in one value: names, schema and printer columns. The CRD YAML
// in the Helm chart is generated from these values, so the TypeScript types, the schema
// and the installed CRD cannot drift apart.

/** The metadata fields the gateway reads; structurally compatible with client-node's V1ObjectMeta. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  finalizers?: string[];
}

export interface CustomResource<Kind extends string, Spec> {
  apiVersion: McpApiVersion;
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
  status?: ResourceStatus;
}

/** An `additionalPrinterColumns` entry (what `kubectl get` shows). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  /** 0 = always shown; 1 = only with `-o wide`. */
  priority?: number;
}

export interface CustomResourceKind {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** Lets `kubectl get mcp` list every gateway kind at once. */
  categories: string[];
  description: string;
  specSchema: OpenApiSchema;
  printerColumns: PrinterColumn[];
}

/** Printer columns every kind shows: whether it is Ready, and why not (with -o wide). */
export const READY_COLUMN: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Status of the Ready condition',
};
export const READY_REASON_COLUMN: PrinterColumn = {
  name: 'Reason',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  description: 'Reason of the Ready condition',
  priority: 1,
};

export const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const KUBERNETES_PATTERNS = {
  /** RFC 1123 label: a namespace, or a Service name. */
  dnsLabel: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  /** RFC 1123 subdomain: the name of most objects (Secrets, Gateways, HTTPRoutes). */
  dnsSubdomain: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  /** A host name, optionally with a leading `*.` wildcard label (as Gateway API hostnames). */
  hostname: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  /** A host name with an optional :port. */
  hostWithPort: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$',
  /** A Secret data key. */
  secretKey: '^[-._a-zA-Z0-9]+$',
} as const;
