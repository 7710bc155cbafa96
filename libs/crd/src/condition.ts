import type { OpenApiSchema } from './openapi-schema';

// Status conditions, shaped like metav1.Condition (the Kubernetes API conventions'
// "typical status properties") so kubectl, Argo CD and `kubectl wait --for=condition=Ready`
// understand them. No `phase` field: conditions say everything a phase would, per type.

export const ConditionType = {
  /** The spec is valid and everything it references exists and is not in conflict. */
  Accepted: 'Accepted',
  /** The resource is in effect: components are running / the server's tools are served. */
  Ready: 'Ready',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** Every reason the operator writes. CamelCase, as metav1.Condition requires. */
export const ConditionReason = {
  // Accepted=True
  Accepted: 'Accepted',
  // Accepted=False
  /** The spec breaks a rule the schema cannot express (message says which). */
  Invalid: 'Invalid',
  /** The targeted Gateway, listener or HTTPRoute does not exist. */
  TargetNotFound: 'TargetNotFound',
  /** The Gateway exists but has no listener named `targetRef.sectionName`. */
  ListenerNotFound: 'ListenerNotFound',
  /** The target is in another namespace and no ReferenceGrant there allows this reference. */
  ReferenceGrantRequired: 'ReferenceGrantRequired',
  /** The listener's allowedRoutes do not admit HTTPRoutes from the extension's namespace. */
  RoutesNotAllowed: 'RoutesNotAllowed',
  /** A referenced Secret (session store, credential) or key in it does not exist. */
  SecretNotFound: 'SecretNotFound',
  /** A referenced Secret exists but lacks the key, or the value is unusable. */
  SecretInvalid: 'SecretInvalid',
  /** Another resource already claims the same listener or prefix. */
  Conflict: 'Conflict',
  /** An older MCPServerRegistration on the same gateway already uses this prefix. */
  PrefixConflict: 'PrefixConflict',
  /** No MCPGatewayExtension serves the Gateway this resource attaches to. */
  NoGatewayExtension: 'NoGatewayExtension',
  /** The HTTPRoute's backend Service does not exist. */
  BackendNotFound: 'BackendNotFound',
  /** The HTTPRoute is not shaped as one rule with one Service backend and a port. */
  InvalidRoute: 'InvalidRoute',
  /** dataPlane ExtProc on a Gateway that is neither Istio nor Envoy Gateway. */
  DataPlaneUnsupported: 'DataPlaneUnsupported',
  // Ready=True
  Ready: 'Ready',
  // Ready=False / Unknown
  /** Not accepted, so nothing is deployed for it (see the Accepted condition). */
  NotAccepted: 'NotAccepted',
  /** Deployments are rolling out or not yet available. */
  Progressing: 'Progressing',
  /** The broker or router Deployment has fewer available replicas than wanted. */
  DeploymentNotReady: 'DeploymentNotReady',
  /** dataPlane ExtProc, but the API server does not serve the EnvoyFilter / EnvoyExtensionPolicy kind. */
  DataPlaneUnavailable: 'DataPlaneUnavailable',
  /** spec.state is Disabled: registered, but not served. */
  Disabled: 'Disabled',
  /** The broker cannot reach the upstream MCP server or its handshake failed. */
  UpstreamUnavailable: 'UpstreamUnavailable',
  /** Some listed tools or prompts are not offered by any registered server. */
  UnknownReferences: 'UnknownReferences',
  /** The operator failed to apply something; the message has the error. */
  ReconcileFailed: 'ReconcileFailed',
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

/** What each condition type means, for people (the CRD reference lists these). */
export const CONDITION_TYPE_DESCRIPTIONS: Readonly<Record<ConditionType, string>> = Object.freeze({
  Accepted: 'The spec is valid and everything it references exists and is not in conflict.',
  Ready: "The resource is in effect: components are running / the server's tools are served.",
});

/**
 * What each reason means, for people (the CRD reference lists these). A `Record` over the
 * union, so a reason added without a description does not compile.
 */
export const CONDITION_REASON_DESCRIPTIONS: Readonly<Record<ConditionReason, string>> = Object.freeze({
  Accepted: 'Accepted=True: the spec is valid and everything it references exists.',
  Invalid: 'The spec breaks a rule the schema cannot express; the message says which.',
  TargetNotFound: 'The targeted Gateway, listener or HTTPRoute does not exist.',
  ListenerNotFound: 'The Gateway exists but has no listener named `targetRef.sectionName`.',
  ReferenceGrantRequired: 'The target is in another namespace and no ReferenceGrant there allows this reference.',
  RoutesNotAllowed: "The listener's allowedRoutes do not admit HTTPRoutes from the extension's namespace.",
  SecretNotFound: 'A referenced Secret (session store, credential) or key in it does not exist.',
  SecretInvalid: 'A referenced Secret exists but lacks the key, or the value is unusable.',
  Conflict: 'Another resource already claims the same listener or prefix.',
  PrefixConflict: 'An older MCPServerRegistration on the same gateway already uses this prefix.',
  NoGatewayExtension: 'No MCPGatewayExtension serves the Gateway this resource attaches to.',
  BackendNotFound: "The HTTPRoute's backend Service does not exist.",
  InvalidRoute: 'The HTTPRoute is not shaped as one rule with one Service backend and a port.',
  DataPlaneUnsupported: 'dataPlane is ExtProc on a Gateway that is neither Istio nor Envoy Gateway.',
  Ready: 'Ready=True: the resource is in effect.',
  NotAccepted: 'Not accepted, so nothing is deployed for it (see the Accepted condition).',
  Progressing: 'Deployments are rolling out or not yet available.',
  DeploymentNotReady: 'The broker or router Deployment has fewer available replicas than wanted.',
  DataPlaneUnavailable: 'dataPlane is ExtProc, but the API server does not serve the EnvoyFilter / EnvoyExtensionPolicy kind.',
  Disabled: 'spec.state is Disabled: registered, but not served.',
  UpstreamUnavailable: 'The broker cannot reach the upstream MCP server or its handshake failed.',
  UnknownReferences: 'Some listed tools or prompts are not offered by any registered server.',
  ReconcileFailed: 'The operator failed to apply something; the message has the error.',
});

export interface Condition {
  type: ConditionType | (string & {});
  status: ConditionStatus;
  /** Generation of the spec this condition was computed from. */
  observedGeneration?: number;
  /** RFC 3339 time of the last change of `status`. */
  lastTransitionTime: string;
  reason: ConditionReason | (string & {});
  message: string;
}

/** The status every gateway kind reports. */
export interface ResourceStatus {
  /** Generation of the spec the operator last acted on. */
  observedGeneration?: number;
  conditions?: Condition[];
}

export const conditionSchema: OpenApiSchema = {
  type: 'object',
  description: 'One aspect of the current state of this resource (metav1.Condition).',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: {
      type: 'string',
      description: 'Condition type in CamelCase: Accepted or Ready.',
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      maxLength: 316,
    },
    status: { type: 'string', description: 'True, False or Unknown.', enum: [ConditionStatus.True, ConditionStatus.False, ConditionStatus.Unknown] },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0, description: 'metadata.generation the condition was computed from.' },
    lastTransitionTime: { type: 'string', format: 'date-time', description: 'When status last changed.' },
    reason: {
      type: 'string',
      description: 'Machine-readable CamelCase reason for the last transition.',
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      minLength: 1,
      maxLength: 1024,
    },
    message: { type: 'string', description: 'Human-readable details of the transition.', maxLength: 32768 },
  },
};

export const resourceStatusSchema: OpenApiSchema = {
  type: 'object',
  description: 'Observed state, written by the operator.',
  properties: {
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0, description: 'metadata.generation the operator last acted on.' },
    conditions: {
      type: 'array',
      description: 'Current conditions (Accepted, Ready), at most one of each type.',
      maxItems: 8,
      items: conditionSchema,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    },
  },
};
