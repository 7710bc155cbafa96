// Reads back what an extension's config Secret (in the informer cache) currently lists, so a
// registration reports Ready only once its server is really in the gateway's config, and
// its finalizer is released only once the server is really gone from it.
import { parse } from 'yaml';
import type { KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import { componentNames } from './component-names';
import { CONFIG_FILE_KEY, VIRTUAL_SERVERS_FILE_KEY } from './gateway-config-rendering';

export interface ConfiguredServer {
  readonly name: string;
  readonly url: string;
  readonly prefix: string;
}

function secretFile(view: ClusterView, extension: KubeObject, key: string): unknown {
  const secret = view.get(Resources.Secret, extension.metadata.namespace, componentNames(extension.metadata.name ?? '').config);
  const encoded = ((secret?.['data'] ?? {}) as Record<string, string>)[key];
  if (encoded === undefined) return undefined;
  try {
    return parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function configuredServers(view: ClusterView, extension: KubeObject): ConfiguredServer[] {
  const file = secretFile(view, extension, CONFIG_FILE_KEY) as { servers?: ConfiguredServer[] } | undefined;
  return file?.servers ?? [];
}

export function configuredVirtualServers(view: ClusterView, extension: KubeObject): string[] {
  const file = secretFile(view, extension, VIRTUAL_SERVERS_FILE_KEY) as { virtualServers?: Array<{ name: string }> } | undefined;
  return (file?.virtualServers ?? []).map((entry) => entry.name);
}
