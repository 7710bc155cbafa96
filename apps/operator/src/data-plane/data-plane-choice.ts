// Which data plane an MCPGatewayExtension gets (docs/data-plane.md). `Proxy` works with
// any Gateway API implementation: the Gateway sends /mcp to the router's HTTP face. `ExtProc`
// needs an Envoy-based Gateway whose ext_proc filter the operator can configure: Istio
// (EnvoyFilter) or Envoy Gateway (EnvoyExtensionPolicy), recognised by the controller named
// in the Gateway's GatewayClass. Anything else is refused with a message saying what to do.
import { DataPlane, type MCPGatewayExtensionSpec } from '@mcp-gateway/crd';
import type { KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';

export const ISTIO_GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

export type EnvoyImplementation = 'Istio' | 'EnvoyGateway';

export type DataPlaneChoice =
  | { readonly mode: 'Proxy' }
  | { readonly mode: 'ExtProc'; readonly implementation: EnvoyImplementation }
  | { readonly mode: 'Unsupported'; readonly message: string };

export function chooseDataPlane(extension: KubeObject, gateway: KubeObject, view: ClusterView): DataPlaneChoice {
  const spec = extension['spec'] as MCPGatewayExtensionSpec;
  if ((spec.dataPlane ?? DataPlane.Proxy) === DataPlane.Proxy) return { mode: 'Proxy' };
  const className = ((gateway['spec'] ?? {}) as { gatewayClassName?: string }).gatewayClassName ?? '';
  const gatewayClass = view.get(Resources.GatewayClass, undefined, className);
  const controller = ((gatewayClass?.['spec'] ?? {}) as { controllerName?: string }).controllerName;
  if (controller === ISTIO_GATEWAY_CONTROLLER) return { mode: 'ExtProc', implementation: 'Istio' };
  if (controller === ENVOY_GATEWAY_CONTROLLER) return { mode: 'ExtProc', implementation: 'EnvoyGateway' };
  const which = gatewayClass === undefined ? `GatewayClass "${className}" was not found` : `GatewayClass "${className}" is controlled by "${controller ?? '(none)'}"`;
  return {
    mode: 'Unsupported',
    message: `dataPlane ExtProc needs an Istio (${ISTIO_GATEWAY_CONTROLLER}) or Envoy Gateway (${ENVOY_GATEWAY_CONTROLLER}) Gateway, but ${which}: use dataPlane Proxy`,
  };
}
