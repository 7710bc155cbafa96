// What the server knows about one kind of resource: its names (for URLs, discovery and
// kubectl short names), scope, served versions, subresources, and per-version behaviour
// (schema validation and list semantics for custom resources).
import type { CrdVersionSchema } from './crd-version-schema';
import type { ListSemanticsResolver } from './list-semantics';

export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

export interface ResourceType {
  /** API group, `''` for the core group. */
  readonly group: string;
  /** Served versions, in discovery order (the preferred version first). */
  readonly versions: readonly string[];
  /** The version objects are kept in (conversion between versions is `None`: apiVersion only). */
  readonly storageVersion: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly namespaced: boolean;
  readonly statusSubresource: boolean;
  /** `metadata.generation` moves on spec changes (kinds with a spec/status split). */
  readonly tracksGeneration: boolean;
  /** Installed from a CustomResourceDefinition: items carry apiVersion/kind in lists, strategic
   * merge patch is refused (415) and updates must name a resourceVersion. */
  readonly custom: boolean;
  readonly listSemantics: (version: string) => ListSemanticsResolver;
  /** Custom resources only: validation, pruning, defaulting and CEL rules of a version. */
  readonly schema?: (version: string) => CrdVersionSchema | undefined;
  readonly printerColumns?: (version: string) => readonly PrinterColumn[];
  /** Custom resources only: the warning a deprecated version answers every request with. */
  readonly deprecationWarning?: (version: string) => string | undefined;
}

export const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Key identifying a resource type: `apps/deployments`, `/secrets`. */
export function resourceKey(group: string, plural: string): string {
  return `${group}/${plural}`;
}
