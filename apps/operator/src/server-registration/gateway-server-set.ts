// The upstream servers one MCPGatewayExtension serves: every MCPServerRegistration (not being
// deleted) that resolves and whose HTTPRoute attaches to the extension's listener. Two
// registrations with the same non-empty prefix on one gateway: the older keeps it, the newer
// is left out (PrefixConflict). Both reconcilers use this one computation, so the config the
// extension writes and the status each registration reports always agree.
import { createHash } from 'node:crypto';
import { olderFirst, objectKey, type KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import { extensionsServingRoute } from '../topology/gateway-parent';
import { resolveRegistration, type ResolvedRegistration } from './registration-resolution';

export interface ServedServer {
  readonly resolution: ResolvedRegistration;
  /** The server's name in the gateway config: unique, `[a-z0-9][a-z0-9-]*`, at most 63 characters. */
  readonly serverName: string;
  /** Key of its credential in the extension's credentials Secret. */
  readonly credentialKey: string;
}

export interface GatewayServerSet {
  readonly servers: readonly ServedServer[];
  /** Registration key → key of the older registration that holds its prefix. */
  readonly prefixConflicts: ReadonlyMap<string, string>;
}

/** `<namespace>-<name>`, made config-safe; long names keep a hash so they stay unique. */
export function serverNameOf(registration: KubeObject): string {
  const raw = `${registration.metadata.namespace ?? ''}-${registration.metadata.name ?? ''}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (raw.length <= 63) return raw;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${raw.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

/** `<namespace>.<name>`: a valid Secret data key naming one registration's credential. */
export function credentialKeyOf(registration: KubeObject): string {
  return `${registration.metadata.namespace ?? ''}.${registration.metadata.name ?? ''}`;
}

export function gatewayServerSet(extension: KubeObject, view: ClusterView): GatewayServerSet {
  const candidates: ResolvedRegistration[] = [];
  for (const registration of view.list(Resources.MCPServerRegistration)) {
    if (registration.metadata.deletionTimestamp !== undefined) continue;
    const resolution = resolveRegistration(registration, view);
    if (resolution.ok && extensionsServingRoute(resolution.route, [extension]).length > 0) candidates.push(resolution);
  }
  candidates.sort((a, b) => olderFirst(a.registration, b.registration));
  const prefixHolders = new Map<string, string>();
  const prefixConflicts = new Map<string, string>();
  const servers: ServedServer[] = [];
  for (const resolution of candidates) {
    const key = objectKey(resolution.registration);
    if (resolution.prefix !== '') {
      const holder = prefixHolders.get(resolution.prefix);
      if (holder !== undefined) {
        prefixConflicts.set(key, holder);
        continue;
      }
      prefixHolders.set(resolution.prefix, key);
    }
    servers.push({ resolution, serverName: serverNameOf(resolution.registration), credentialKey: credentialKeyOf(resolution.registration) });
  }
  return { servers, prefixConflicts };
}
