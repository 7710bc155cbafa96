// The gateway's answer to `server/discover` (MCP 2026-07-28 "Discovery"): the versions it
// speaks, the capabilities it offers stateless-era clients — aggregated from the upstreams
// that are ready now — its identity in `_meta`, and caching hints computed from the
// upstreams' own (gateway-cache-hints.ts). Session-era clients learn the gateway's fixed
// capabilities from `initialize` instead (gateway-methods.ts).
import { SESSION_ERA_PROTOCOL_VERSIONS, STATELESS_ERA_PROTOCOL_VERSIONS } from '@mcp-gateway/jsonrpc';
import type { UpstreamSource } from '../upstream/upstream-pool';
import { gatewayCacheHint } from './gateway-cache-hints';

export interface GatewayIdentity {
  readonly name: string;
  readonly version: string;
}

/** Every version the gateway serves, stateless era first (a client picks a modern one). */
export const GATEWAY_SUPPORTED_VERSIONS: readonly string[] = Object.freeze([...STATELESS_ERA_PROTOCOL_VERSIONS, ...SESSION_ERA_PROTOCOL_VERSIONS]);

export const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';

/**
 * A family is offered when at least one ready upstream declares it. `listChanged` is always
 * true for an offered family: the gateway follows every upstream's changes and announces
 * them on `subscriptions/listen` streams (listen-subscriptions.ts). Resource subscriptions
 * (`resources.subscribe`) are not offered to stateless clients. `completions` and the
 * deprecated `logging` are offered when an upstream offers them (both are answered by the
 * upstream a request is routed to).
 */
export function aggregatedCapabilities(sources: readonly UpstreamSource[]): Record<string, unknown> {
  const declared = new Set<string>();
  for (const source of sources) {
    if (source.state !== 'ready') continue;
    const capabilities = source.capabilities;
    if (capabilities === undefined) {
      // A connection that reports no capabilities: infer the families from its listing.
      if (source.listing?.tools.length) declared.add('tools');
      if (source.listing?.prompts.length) declared.add('prompts');
      if (source.listing?.resources.length || source.listing?.resourceTemplates.length) declared.add('resources');
      continue;
    }
    for (const family of ['tools', 'prompts', 'resources', 'completions', 'logging']) {
      if (capabilities[family] !== undefined) declared.add(family);
    }
  }
  const capabilities: Record<string, unknown> = {};
  for (const family of ['tools', 'prompts', 'resources'] as const) if (declared.has(family)) capabilities[family] = { listChanged: true };
  if (declared.has('completions')) capabilities['completions'] = {};
  if (declared.has('logging')) capabilities['logging'] = {};
  return capabilities;
}

export function discoverResult(sources: readonly UpstreamSource[], identity: GatewayIdentity, nowMs: number, instructions?: string): Record<string, unknown> {
  const hint = gatewayCacheHint('server/discover', sources, nowMs);
  return {
    resultType: 'complete',
    supportedVersions: GATEWAY_SUPPORTED_VERSIONS,
    capabilities: aggregatedCapabilities(sources),
    ...(instructions ? { instructions } : {}),
    ttlMs: hint.ttlMs,
    cacheScope: hint.cacheScope,
    _meta: { [SERVER_INFO_META_KEY]: { name: identity.name, version: identity.version } },
  };
}
