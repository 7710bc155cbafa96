// The broker's /status document: each upstream's health and what it contributes, the name
// conflicts the catalog resolved, and who watches the routing table. Built only from
// values that are safe to show: URLs without user-info, error messages with credential
// values redacted, never a header.
import type { CatalogConflict, CatalogSnapshot } from '../catalog/catalog';
import type { RoutingTableWatcher } from '../routing/routing-table-service';
import type { UpstreamStatus } from '../upstream/upstream-connection';

export interface StatusReport {
  readonly service: 'broker';
  readonly catalogVersion: number;
  readonly upstreams: readonly UpstreamStatus[];
  readonly conflicts: readonly CatalogConflict[];
  readonly catalog: { readonly tools: number; readonly prompts: number; readonly resources: number; readonly resourceTemplates: number };
  readonly routers: readonly RoutingTableWatcher[];
  readonly notificationStreams: number;
}

export interface StatusReportInput {
  readonly upstreams: readonly UpstreamStatus[];
  readonly snapshot: CatalogSnapshot;
  readonly routers: readonly RoutingTableWatcher[];
  readonly notificationStreams: number;
}

export function buildStatusReport(input: StatusReportInput): StatusReport {
  const { snapshot } = input;
  return {
    service: 'broker',
    catalogVersion: snapshot.version,
    upstreams: input.upstreams,
    conflicts: snapshot.conflicts,
    catalog: {
      tools: snapshot.tools.length,
      prompts: snapshot.prompts.length,
      resources: snapshot.resources.length,
      resourceTemplates: snapshot.resourceTemplates.length,
    },
    routers: input.routers,
    notificationStreams: input.notificationStreams,
  };
}
