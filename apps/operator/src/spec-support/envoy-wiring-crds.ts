// For the operator's specs: what an Istio or Envoy Gateway installation adds to a cluster
// and the ExtProc data plane reads or writes — the EnvoyFilter and EnvoyExtensionPolicy
// kinds (minimal structural CRDs; the fields themselves are checked against their APIs in
// data-plane-manifests.spec.ts) and the GatewayClasses naming each controller.
import { GATEWAY_API_GROUP } from '@mcp-gateway/crd';
import { ENVOY_GATEWAY_CONTROLLER, ISTIO_GATEWAY_CONTROLLER } from '../data-plane/data-plane-choice';
import { Resources } from '../kube/kube-resource';
import type { ClusterActor } from './cluster-actor';

function crd(group: string, version: string, kind: string, plural: string): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
          subresources: { status: {} },
        },
      ],
    },
  };
}

/** Installs the EnvoyFilter and EnvoyExtensionPolicy kinds, as Istio and Envoy Gateway would. */
export async function installEnvoyWiringCrds(actor: ClusterActor): Promise<void> {
  for (const definition of [crd('networking.istio.io', 'v1alpha3', 'EnvoyFilter', 'envoyfilters'), crd('gateway.envoyproxy.io', 'v1alpha1', 'EnvoyExtensionPolicy', 'envoyextensionpolicies')]) {
    const created = await actor.raw('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', definition);
    if (created.status !== 201) throw new Error(`installing a CRD failed: ${JSON.stringify(created.body)}`);
  }
}

/** GatewayClasses `istio`, `eg` (Envoy Gateway) and `other` (neither). */
export async function createGatewayClasses(actor: ClusterActor): Promise<void> {
  for (const [name, controllerName] of [
    ['istio', ISTIO_GATEWAY_CONTROLLER],
    ['eg', ENVOY_GATEWAY_CONTROLLER],
    ['other', 'example.com/some-gateway-controller'],
  ] as const) {
    await actor.apply(Resources.GatewayClass, { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: 'GatewayClass', metadata: { name }, spec: { controllerName } });
  }
}
