// The Envoy Gateway wiring of the ext_proc filter: an EnvoyExtensionPolicy
// (gateway.envoyproxy.io/v1alpha1) in the Gateway's namespace targeting the served
// listener(s), with the router's ext_proc Service port as backend and the gateway's
// processing mode in Envoy Gateway's terms (request headers + Buffered body, response
// headers + Streamed body, allowModeOverride). A backend in another namespace than the
// policy needs a ReferenceGrant next to the router Service, which the operator writes too.
import { GATEWAY_API_GROUP } from '@mcp-gateway/crd';
import type { KubeObject } from '../kube/kube-object';
import { ownedMetadata } from '../gateway-extension/extension-components';
import { extProcObjectName } from './data-plane-object-names';
import { EXT_PROC_MESSAGE_TIMEOUT } from './ext-proc-filter-config';
import { gatewayNamespaceMetadata } from './gateway-namespace-metadata';
import type { ExtProcWiringInputs } from './istio-envoy-filter';

export const ENVOY_GATEWAY_API_VERSION = 'gateway.envoyproxy.io/v1alpha1';

export function envoyGatewayExtensionPolicy(inputs: ExtProcWiringInputs & { readonly routerServiceName: string }): KubeObject {
  const { extension, gateway, listeners, router, routerServiceName } = inputs;
  const target = { group: GATEWAY_API_GROUP, kind: 'Gateway', name: gateway.metadata.name ?? '' };
  return {
    apiVersion: ENVOY_GATEWAY_API_VERSION,
    kind: 'EnvoyExtensionPolicy',
    metadata: gatewayNamespaceMetadata(extension, gateway.metadata.namespace ?? '', extProcObjectName(extension), 'ext-proc'),
    spec: {
      targetRefs: listeners.map((listener) => ({ ...target, sectionName: listener.name })),
      extProc: [
        {
          backendRefs: [{ group: '', kind: 'Service', name: routerServiceName, namespace: extension.metadata.namespace ?? '', port: router.port }],
          messageTimeout: EXT_PROC_MESSAGE_TIMEOUT,
          failOpen: false,
          processingMode: { request: { body: 'Buffered' }, response: { body: 'Streamed' }, allowModeOverride: true },
        },
      ],
    },
  };
}

/** Lets the policy in the Gateway's namespace use the router Service as its backend. */
export function extProcReferenceGrant(extension: KubeObject, gatewayNamespace: string, routerServiceName: string): KubeObject {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: ownedMetadata(extension, extProcObjectName(extension), 'ext-proc'),
    spec: {
      from: [{ group: 'gateway.envoyproxy.io', kind: 'EnvoyExtensionPolicy', namespace: gatewayNamespace }],
      to: [{ group: '', kind: 'Service', name: routerServiceName }],
    },
  };
}
