// Metadata of an object the operator writes next to the Gateway. Owner references cannot
// cross namespaces (the garbage collector treats such an owner as absent and deletes the
// object), so the extension owns it only when both live in one namespace; otherwise the
// extension's finalizer removes it (GatewayExtensionReconciler.releaseGateway).
import type { KubeObject } from '../kube/kube-object';
import { ownedMetadata } from '../gateway-extension/extension-components';

export function gatewayNamespaceMetadata(extension: KubeObject, gatewayNamespace: string, name: string, component: string): KubeObject['metadata'] {
  const owned = ownedMetadata(extension, name, component);
  if (gatewayNamespace === extension.metadata.namespace) return owned;
  const { ownerReferences: _notAcrossNamespaces, ...rest } = owned;
  return { ...rest, namespace: gatewayNamespace };
}
