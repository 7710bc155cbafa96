// Names of the data-plane objects the operator writes into the Gateway's namespace (an
// EnvoyFilter or EnvoyExtensionPolicy per extension). Extensions in different namespaces may
// target one Gateway, so the extension's namespace is part of the name; long names keep a
// hash so they stay unique within 63 characters.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/kube-object';

export function extProcObjectName(extension: KubeObject): string {
  const base = `${extension.metadata.namespace ?? ''}-${extension.metadata.name ?? ''}-mcp-ext-proc`;
  if (base.length <= 63) return base;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${base.slice(0, 54).replace(/[-.]+$/, '')}-${hash}`;
}
