// Checks a snapshot decoded by @grpc/proto-loader before the router trusts it. Runs once
// per catalog change, never per request.

import * as z from 'zod';
import type { RoutingTableSnapshot } from './routing-table-snapshot';

const upstreamServer = z.object({
  name: z.string().min(1),
  url: z.string(),
  prefix: z.string(),
  state: z.string(),
  protocolVersion: z.string(),
});
const namedRoute = z.object({ gatewayName: z.string().min(1), server: z.string(), upstreamName: z.string().min(1) });
const resourceRoute = z.object({ gatewayUri: z.string().min(1), server: z.string(), upstreamUri: z.string().min(1) });
const templateRoute = z.object({
  gatewayUriTemplate: z.string().min(1),
  server: z.string(),
  upstreamUriTemplate: z.string().min(1),
});

const snapshotSchema = z.object({
  // proto-loader is configured with `longs: String`, so uint64 arrives as decimal text.
  version: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v)),
  servers: z.array(upstreamServer),
  tools: z.array(namedRoute),
  prompts: z.array(namedRoute),
  resources: z.array(resourceRoute),
  resourceTemplates: z.array(templateRoute),
});

export class InvalidRoutingTableSnapshotError extends Error {
  constructor(readonly issues: string) {
    super(`invalid routing table snapshot: ${issues}`);
    this.name = 'InvalidRoutingTableSnapshotError';
  }
}

export function readRoutingTableSnapshot(decoded: unknown): RoutingTableSnapshot {
  const result = snapshotSchema.safeParse(decoded);
  if (!result.success) {
    throw new InvalidRoutingTableSnapshotError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '),
    );
  }
  return result.data;
}
