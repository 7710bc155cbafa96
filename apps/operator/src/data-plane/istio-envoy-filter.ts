// The Istio wiring of the ext_proc filter: one EnvoyFilter (networking.istio.io/v1alpha3)
// in the Gateway's namespace, selecting the Gateway's own pods (Istio labels them with
// gateway.networking.k8s.io/gateway-name), inserting the filter before the router filter of
// the HTTP connection manager on each served listener's port, pointing at the router's
// ext_proc Service port through Istio's outbound cluster for it.
import type { KubeObject } from '../kube/kube-object';
import type { Listener } from '../topology/gateway-listener';
import { extProcObjectName } from './data-plane-object-names';
import { EXT_PROC_FILTER_NAME, extProcFilterConfig, istioOutboundCluster, type RouterAddress } from './ext-proc-filter-config';
import { gatewayNamespaceMetadata } from './gateway-namespace-metadata';

export const ISTIO_NETWORKING_API_VERSION = 'networking.istio.io/v1alpha3';
/** Label Istio puts on the pods it deploys for a Gateway API Gateway. */
export const ISTIO_GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

export interface ExtProcWiringInputs {
  readonly extension: KubeObject;
  readonly gateway: KubeObject;
  readonly listeners: readonly Listener[];
  readonly router: RouterAddress;
}

export function istioEnvoyFilter(inputs: ExtProcWiringInputs): KubeObject {
  const { extension, gateway, listeners, router } = inputs;
  const ports = [...new Set(listeners.map((listener) => listener.port).filter((port): port is number => port !== undefined))].sort((a, b) => a - b);
  const config = extProcFilterConfig(router, istioOutboundCluster(router));
  return {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind: 'EnvoyFilter',
    metadata: gatewayNamespaceMetadata(extension, gateway.metadata.namespace ?? '', extProcObjectName(extension), 'ext-proc'),
    spec: {
      workloadSelector: { labels: { [ISTIO_GATEWAY_NAME_LABEL]: gateway.metadata.name ?? '' } },
      configPatches: ports.map((portNumber) => ({
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'GATEWAY',
          listener: {
            portNumber,
            filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } },
          },
        },
        patch: { operation: 'INSERT_BEFORE', value: { name: EXT_PROC_FILTER_NAME, typed_config: config } },
      })),
    },
  };
}
