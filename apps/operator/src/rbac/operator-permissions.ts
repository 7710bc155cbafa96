// What the operator does to the API, declared once, with why. The generated ClusterRole (and
// the leader-election Role) are rendered from this list and nothing else; the scenario suites
// run the operator as a ServiceAccount bound to exactly those roles on an API server that
// enforces RBAC, so a call the list does not cover fails a test, and a permission no
// scenario exercises is reported as unused.
import { Resources, type KubeResource } from '../kube/kube-resource';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface Permission {
  readonly resource: KubeResource;
  readonly subresource?: 'status' | 'finalizers';
  readonly verbs: readonly Verb[];
  /** `cluster`: ClusterRole; `leader-election`: a Role in the operator's namespace. */
  readonly scope: 'cluster' | 'leader-election';
  readonly why: string;
}

/** What an informer needs: it lists and watches, it never gets one object. */
const INFORMER: readonly Verb[] = ['list', 'watch'];

export const OPERATOR_PERMISSIONS: readonly Permission[] = Object.freeze([
  { resource: Resources.MCPGatewayExtension, verbs: [...INFORMER, 'patch'], scope: 'cluster', why: 'informer; the finalizer that clears its marks from the Gateway status' },
  { resource: Resources.MCPGatewayExtension, subresource: 'status', verbs: ['patch'], scope: 'cluster', why: 'conditions, observedGeneration' },
  {
    resource: Resources.MCPGatewayExtension,
    subresource: 'finalizers',
    verbs: ['update'],
    scope: 'cluster',
    why: 'owner references with blockOwnerDeletion on the objects it creates (OwnerReferencesPermissionEnforcement)',
  },
  { resource: Resources.MCPServerRegistration, verbs: [...INFORMER, 'patch'], scope: 'cluster', why: 'informer; adding and removing its finalizer' },
  { resource: Resources.MCPServerRegistration, subresource: 'status', verbs: ['patch'], scope: 'cluster', why: 'conditions, observedGeneration' },
  { resource: Resources.MCPVirtualServer, verbs: INFORMER, scope: 'cluster', why: 'informer' },
  { resource: Resources.MCPVirtualServer, subresource: 'status', verbs: ['patch'], scope: 'cluster', why: 'conditions, observedGeneration' },
  { resource: Resources.Gateway, verbs: INFORMER, scope: 'cluster', why: 'informer: target Gateways and their listeners' },
  { resource: Resources.Gateway, subresource: 'status', verbs: ['patch'], scope: 'cluster', why: 'server-side apply of the listener condition saying which extension programs it' },
  { resource: Resources.HTTPRoute, verbs: [...INFORMER, 'create', 'patch', 'delete'], scope: 'cluster', why: "informer (registrations' routes); server-side apply of the /mcp route; removal when management is disabled" },
  { resource: Resources.GatewayClass, verbs: INFORMER, scope: 'cluster', why: 'informer: which implementation (Istio, Envoy Gateway) runs a Gateway, for the ExtProc data plane' },
  {
    resource: Resources.ReferenceGrant,
    verbs: [...INFORMER, 'create', 'patch', 'delete'],
    scope: 'cluster',
    why: 'informer: cross-namespace references; server-side apply of the grant that lets an EnvoyExtensionPolicy use the router Service (ExtProc on Envoy Gateway), removed with it',
  },
  { resource: Resources.EnvoyFilter, verbs: ['create', 'patch', 'delete'], scope: 'cluster', why: 'ExtProc on Istio: server-side apply of the ext_proc EnvoyFilter next to the Gateway; removal when the mode changes or the extension goes' },
  {
    resource: Resources.EnvoyExtensionPolicy,
    verbs: ['create', 'patch', 'delete'],
    scope: 'cluster',
    why: 'ExtProc on Envoy Gateway: server-side apply of the ext_proc EnvoyExtensionPolicy next to the Gateway; removal when the mode changes or the extension goes',
  },
  { resource: Resources.Namespace, verbs: INFORMER, scope: 'cluster', why: "informer: labels for listeners' allowedRoutes selectors" },
  { resource: Resources.Service, verbs: [...INFORMER, 'create', 'patch'], scope: 'cluster', why: 'informer (route backends); server-side apply of broker and router Services' },
  { resource: Resources.ServiceAccount, verbs: ['create', 'patch'], scope: 'cluster', why: 'server-side apply of the broker and router ServiceAccounts' },
  {
    resource: Resources.Secret,
    verbs: [...INFORMER, 'get', 'create', 'patch'],
    scope: 'cluster',
    why: 'informer (session-store and credential Secrets); config, credentials and signing-key Secrets it owns (get: the signing key is never overwritten, so its absence is checked at the source)',
  },
  { resource: Resources.Deployment, verbs: [...INFORMER, 'create', 'patch'], scope: 'cluster', why: 'informer (readiness); server-side apply of the broker and router Deployments' },
  { resource: Resources.Event, verbs: ['create'], scope: 'cluster', why: 'Events on condition transitions' },
  { resource: Resources.Lease, verbs: ['get', 'create', 'update'], scope: 'leader-election', why: 'leader election' },
] satisfies Permission[]);

/** `deployments`, `mcpgatewayextensions/status`. */
export function resourceName(permission: Pick<Permission, 'resource' | 'subresource'>): string {
  return permission.subresource === undefined ? permission.resource.plural : `${permission.resource.plural}/${permission.subresource}`;
}
