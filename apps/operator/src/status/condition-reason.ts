// Every reason the operator writes into a condition. The shared ones come from libs/crd
// (`ConditionReason`); the more specific ones below are the operator's until the CRD lib
// carries them. Reasons are part of the API: tests pin them, docs list them.
import { ConditionReason } from '@mcp-gateway/crd';

export const Reason = Object.freeze({
  ...ConditionReason,
  /** The Gateway exists but has no listener named `targetRef.sectionName`. */
  ListenerNotFound: 'ListenerNotFound',
  /** The target is in another namespace and no ReferenceGrant there allows this reference. */
  ReferenceGrantRequired: 'ReferenceGrantRequired',
  /** The listener's allowedRoutes do not admit HTTPRoutes from the extension's namespace. */
  RoutesNotAllowed: 'RoutesNotAllowed',
  /** A referenced Secret exists but lacks the key, or the value is unusable. */
  SecretInvalid: 'SecretInvalid',
  /** The broker or router Deployment has fewer available replicas than wanted. */
  DeploymentNotReady: 'DeploymentNotReady',
  /** An older MCPServerRegistration on the same gateway already uses this prefix. */
  PrefixConflict: 'PrefixConflict',
  /** The HTTPRoute's backend Service does not exist. */
  BackendNotFound: 'BackendNotFound',
  /** The HTTPRoute is not shaped as one rule with one Service backend and a port. */
  InvalidRoute: 'InvalidRoute',
  /** dataPlane ExtProc on a Gateway that is neither Istio nor Envoy Gateway. */
  DataPlaneUnsupported: 'DataPlaneUnsupported',
  /** dataPlane ExtProc, but the API server does not serve the EnvoyFilter / EnvoyExtensionPolicy kind. */
  DataPlaneUnavailable: 'DataPlaneUnavailable',
});

export type Reason = (typeof Reason)[keyof typeof Reason];
