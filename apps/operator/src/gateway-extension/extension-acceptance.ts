// Whether an MCPGatewayExtension can be put into effect, and if not, the reason a user can act
// on. In order: a Gateway in another namespace needs a ReferenceGrant there (checked first so
// the existence of objects in namespaces one cannot reference is not revealed); the Gateway
// and the listener must exist; the listener must admit the HTTPRoute the operator would
// create (when it creates one); no older extension may claim the same listener; the
// session-store Secret, when named, must hold a redis:// or rediss:// URL.
import { createHash } from 'node:crypto';
import { ConditionReason, GATEWAY_API_GROUP, HttpRouteManagement, MCP_API_GROUP, type MCPGatewayExtensionSpec } from '@mcp-gateway/crd';
import { olderFirst, objectKey, type KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import { listenerAdmitsHttpRoutes, listenersOf, type Listener } from '../topology/gateway-listener';
import { extensionTarget, sameListener } from '../topology/gateway-parent';
import { referenceAllowed } from '../topology/reference-grant';

/** The key of the session-store Secret holding the Redis URL (the gateway's env variable). */
export const SESSION_STORE_SECRET_KEY = 'CACHE_CONNECTION_STRING';

export type ExtensionAcceptance =
  | {
      readonly accepted: true;
      readonly gateway: KubeObject;
      /** The listeners served: the named one, or all of them. */
      readonly listeners: readonly Listener[];
      /** Changes when the session-store URL changes, so pods restart to pick it up. */
      readonly sessionStoreFingerprint: string | undefined;
    }
  | { readonly accepted: false; readonly reason: string; readonly message: string };

function specOf(extension: KubeObject): MCPGatewayExtensionSpec {
  return extension['spec'] as MCPGatewayExtensionSpec;
}

export function checkExtension(extension: KubeObject, view: ClusterView): ExtensionAcceptance {
  const namespace = extension.metadata.namespace ?? '';
  const spec = specOf(extension);
  const target = extensionTarget(extension);
  const gatewayName = `${target.namespace}/${target.name}`;

  if (!referenceAllowed(view, { from: { group: MCP_API_GROUP, kind: 'MCPGatewayExtension', namespace }, to: { group: GATEWAY_API_GROUP, kind: 'Gateway', namespace: target.namespace, name: target.name } })) {
    return {
      accepted: false,
      reason: ConditionReason.ReferenceGrantRequired,
      message: `Gateway ${gatewayName} is in another namespace: a ReferenceGrant in namespace ${target.namespace} must allow MCPGatewayExtension (group ${MCP_API_GROUP}) from namespace ${namespace} to reference Gateway ${target.name}`,
    };
  }
  const gateway = view.get(Resources.Gateway, target.namespace, target.name);
  if (gateway === undefined) return { accepted: false, reason: ConditionReason.TargetNotFound, message: `Gateway ${gatewayName} not found` };

  const all = listenersOf(gateway);
  const listeners = target.sectionName === undefined ? all : all.filter((listener) => listener.name === target.sectionName);
  if (listeners.length === 0) {
    const names = all.map((listener) => listener.name).join(', ') || 'none';
    return { accepted: false, reason: ConditionReason.ListenerNotFound, message: `Gateway ${gatewayName} has no listener named "${target.sectionName ?? ''}" (listeners: ${names})` };
  }

  if ((spec.httpRouteManagement ?? HttpRouteManagement.Enabled) === HttpRouteManagement.Enabled) {
    const labels = view.get(Resources.Namespace, undefined, namespace)?.metadata.labels;
    const refusing = listeners.filter((listener) => !listenerAdmitsHttpRoutes(listener, target.namespace, namespace, labels));
    if (refusing.length > 0) {
      return {
        accepted: false,
        reason: ConditionReason.RoutesNotAllowed,
        message: `listener ${refusing.map((listener) => `"${listener.name}"`).join(', ')} of Gateway ${gatewayName} does not admit HTTPRoutes from namespace ${namespace} (see its allowedRoutes), so the operator cannot attach /mcp to it`,
      };
    }
  }

  const rival = view
    .list(Resources.MCPGatewayExtension)
    .filter((other) => other.metadata.deletionTimestamp === undefined && sameListener(extensionTarget(other), target))
    .sort(olderFirst)[0];
  if (rival !== undefined && objectKey(rival) !== objectKey(extension)) {
    return { accepted: false, reason: ConditionReason.Conflict, message: `MCPGatewayExtension ${objectKey(rival)} (older) already serves this listener of Gateway ${gatewayName}` };
  }

  let sessionStoreFingerprint: string | undefined;
  if (spec.sessionStore !== undefined) {
    const secretName = spec.sessionStore.secretName;
    const secret = view.get(Resources.Secret, namespace, secretName);
    if (secret === undefined) return { accepted: false, reason: ConditionReason.SecretNotFound, message: `session store Secret ${namespace}/${secretName} not found` };
    const encoded = ((secret['data'] ?? {}) as Record<string, string>)[SESSION_STORE_SECRET_KEY];
    if (encoded === undefined) return { accepted: false, reason: ConditionReason.SecretInvalid, message: `session store Secret ${namespace}/${secretName} has no key ${SESSION_STORE_SECRET_KEY}` };
    const url = Buffer.from(encoded, 'base64').toString('utf8').trim();
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      return { accepted: false, reason: ConditionReason.SecretInvalid, message: `session store Secret ${namespace}/${secretName}: ${SESSION_STORE_SECRET_KEY} must be a redis:// or rediss:// URL` };
    }
    sessionStoreFingerprint = createHash('sha256').update(url).digest('hex').slice(0, 16);
  }
  return { accepted: true, gateway, listeners, sessionStoreFingerprint };
}
