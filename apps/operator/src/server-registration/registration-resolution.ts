// Turns an MCPServerRegistration into the URL the gateway reaches the MCP server at. The
// HTTPRoute it names must have exactly one rule with exactly one backend, a Service with a
// port; the URL is that Service's cluster DNS name (https when the Service port says
// appProtocol https or is 443) plus spec.path. Cross-namespace references (registration →
// route, route → Service) need ReferenceGrants, as Gateway API requires. The credential
// Secret, when named, must exist and hold the key. Failures carry a reason and a message a
// user can act on; the credential value itself never appears in either.
import { ConditionReason, GATEWAY_API_GROUP, MCP_API_GROUP, MCP_SERVER_REGISTRATION_DEFAULTS, type MCPServerRegistrationSpec } from '@mcp-gateway/crd';
import type { KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import { referenceAllowed } from '../topology/reference-grant';

export interface ResolvedRegistration {
  readonly ok: true;
  readonly registration: KubeObject;
  readonly route: KubeObject;
  readonly url: string;
  readonly prefix: string;
  readonly enabled: boolean;
  /** Base64 value of the credential (as stored in the Secret), when one is referenced. */
  readonly credentialValue: string | undefined;
}

export interface UnresolvedRegistration {
  readonly ok: false;
  readonly registration: KubeObject;
  readonly reason: string;
  readonly message: string;
}

export type RegistrationResolution = ResolvedRegistration | UnresolvedRegistration;

interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export function registrationSpec(registration: KubeObject): MCPServerRegistrationSpec {
  return registration['spec'] as MCPServerRegistrationSpec;
}

export function resolveRegistration(registration: KubeObject, view: ClusterView): RegistrationResolution {
  const namespace = registration.metadata.namespace ?? '';
  const spec = registrationSpec(registration);
  const fail = (reason: string, message: string): UnresolvedRegistration => ({ ok: false, registration, reason, message });
  const routeNamespace = spec.targetRef.namespace ?? namespace;
  const routeName = `${routeNamespace}/${spec.targetRef.name}`;

  if (!referenceAllowed(view, { from: { group: MCP_API_GROUP, kind: 'MCPServerRegistration', namespace }, to: { group: GATEWAY_API_GROUP, kind: 'HTTPRoute', namespace: routeNamespace, name: spec.targetRef.name } })) {
    return fail(ConditionReason.ReferenceGrantRequired, `HTTPRoute ${routeName} is in another namespace: a ReferenceGrant in namespace ${routeNamespace} must allow MCPServerRegistration from namespace ${namespace}`);
  }
  const route = view.get(Resources.HTTPRoute, routeNamespace, spec.targetRef.name);
  if (route === undefined) return fail(ConditionReason.TargetNotFound, `HTTPRoute ${routeName} not found`);

  const rules = ((route['spec'] ?? {}) as { rules?: Array<{ backendRefs?: BackendRef[] }> }).rules ?? [];
  const backends = rules.length === 1 ? (rules[0]?.backendRefs ?? []) : [];
  const backend = backends[0];
  if (rules.length !== 1 || backends.length !== 1 || backend === undefined) {
    return fail(ConditionReason.InvalidRoute, `HTTPRoute ${routeName} must have exactly one rule with exactly one backendRef (has ${rules.length} rule(s), ${backends.length} backendRef(s) in the first)`);
  }
  if ((backend.group ?? '') !== '' || (backend.kind ?? 'Service') !== 'Service' || backend.port === undefined) {
    return fail(ConditionReason.InvalidRoute, `HTTPRoute ${routeName}: the backendRef must be a Service with a port`);
  }
  const serviceNamespace = backend.namespace ?? routeNamespace;
  if (!referenceAllowed(view, { from: { group: GATEWAY_API_GROUP, kind: 'HTTPRoute', namespace: routeNamespace }, to: { group: '', kind: 'Service', namespace: serviceNamespace, name: backend.name } })) {
    return fail(ConditionReason.ReferenceGrantRequired, `HTTPRoute ${routeName} references Service ${serviceNamespace}/${backend.name} in another namespace without a ReferenceGrant there`);
  }
  const service = view.get(Resources.Service, serviceNamespace, backend.name);
  if (service === undefined) return fail(ConditionReason.BackendNotFound, `Service ${serviceNamespace}/${backend.name} (backend of HTTPRoute ${routeName}) not found`);

  const ports = ((service['spec'] ?? {}) as { ports?: Array<{ port: number; appProtocol?: string }> }).ports ?? [];
  const servicePort = ports.find((port) => port.port === backend.port);
  if (servicePort === undefined) return fail(ConditionReason.BackendNotFound, `Service ${serviceNamespace}/${backend.name} has no port ${backend.port}`);
  const scheme = servicePort.appProtocol === 'https' || servicePort.port === 443 ? 'https' : 'http';
  const path = spec.path ?? MCP_SERVER_REGISTRATION_DEFAULTS.path;
  const url = `${scheme}://${backend.name}.${serviceNamespace}.svc.cluster.local:${backend.port}${path}`;

  let credentialValue: string | undefined;
  if (spec.credentialRef !== undefined) {
    const { name, key } = spec.credentialRef;
    const secret = view.get(Resources.Secret, namespace, name);
    if (secret === undefined) return fail(ConditionReason.SecretNotFound, `credential Secret ${namespace}/${name} not found`);
    credentialValue = ((secret['data'] ?? {}) as Record<string, string>)[key];
    if (credentialValue === undefined || credentialValue === '') return fail(ConditionReason.SecretInvalid, `credential Secret ${namespace}/${name} has no (or an empty) key "${key}"`);
  }
  return {
    ok: true,
    registration,
    route,
    url,
    prefix: spec.prefix ?? MCP_SERVER_REGISTRATION_DEFAULTS.prefix,
    enabled: (spec.state ?? MCP_SERVER_REGISTRATION_DEFAULTS.state) === 'Enabled',
    credentialValue,
  };
}
