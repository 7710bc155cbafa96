// Puts the chosen data plane's Envoy wiring in place and takes away what another mode left:
// ExtProc on Istio → the EnvoyFilter; ExtProc on Envoy Gateway → the EnvoyExtensionPolicy
// (and, across namespaces, the ReferenceGrant for its backend); Proxy → neither. Kinds the
// API server does not serve (no Istio, no Envoy Gateway installed) are simply absent when
// removing, and a clear DataPlaneUnavailable when they are needed.
import { KubeApiError } from '../kube/kube-api-error';
import type { KubeClient } from '../kube/kube-client';
import type { KubeObject } from '../kube/kube-object';
import { Resources, type KubeResource } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import type { Listener } from '../topology/gateway-listener';
import { extProcObjectName } from './data-plane-object-names';
import type { DataPlaneChoice } from './data-plane-choice';
import { envoyGatewayExtensionPolicy, extProcReferenceGrant } from './envoy-gateway-extension-policy';
import { ROUTER_EXT_PROC_PORT } from './ext-proc-filter-config';
import { istioEnvoyFilter } from './istio-envoy-filter';

/** The Envoy wiring kind the API server does not serve (the implementation is not installed). */
export class DataPlaneKindNotServedError extends Error {
  constructor(readonly resource: KubeResource) {
    super(`${resource.kind} (${resource.group}/${resource.version}) is not served by the API server: is ${resource === Resources.EnvoyFilter ? 'Istio' : 'Envoy Gateway'} installed?`);
    this.name = 'DataPlaneKindNotServedError';
  }
}

function notServed(error: unknown): boolean {
  // client-node's discovery finds no such kind before any request is made.
  return error instanceof KubeApiError && /Unrecognized API version and kind/.test(error.message);
}

export interface DataPlaneWiringInputs {
  readonly extension: KubeObject;
  readonly gateway: KubeObject;
  readonly listeners: readonly Listener[];
  readonly routerServiceName: string;
  readonly choice: DataPlaneChoice;
}

export class DataPlaneWiring {
  constructor(
    private readonly client: KubeClient,
    private readonly view: ClusterView,
  ) {}

  /** Applies what the choice needs and removes the rest. Throws DataPlaneKindNotServedError. */
  async program(inputs: DataPlaneWiringInputs): Promise<string> {
    const { extension, gateway, listeners, routerServiceName, choice } = inputs;
    const gatewayNamespace = gateway.metadata.namespace ?? '';
    const router = { serviceHost: `${routerServiceName}.${extension.metadata.namespace ?? ''}.svc.cluster.local`, port: ROUTER_EXT_PROC_PORT };
    const wiring = { extension, gateway, listeners, router };
    const name = extProcObjectName(extension);
    if (choice.mode === 'ExtProc' && choice.implementation === 'Istio') {
      await this.apply(Resources.EnvoyFilter, istioEnvoyFilter(wiring));
      await this.removeEnvoyGatewayPolicy(extension, gatewayNamespace);
      return `EnvoyFilter ${gatewayNamespace}/${name}`;
    }
    if (choice.mode === 'ExtProc' && choice.implementation === 'EnvoyGateway') {
      if (gatewayNamespace !== extension.metadata.namespace) await this.client.apply(Resources.ReferenceGrant, extProcReferenceGrant(extension, gatewayNamespace, routerServiceName));
      else await this.removeReferenceGrant(extension);
      await this.apply(Resources.EnvoyExtensionPolicy, envoyGatewayExtensionPolicy({ ...wiring, routerServiceName }));
      await this.removeIfServed(Resources.EnvoyFilter, gatewayNamespace, name);
      return `EnvoyExtensionPolicy ${gatewayNamespace}/${name}`;
    }
    await this.release(extension, gatewayNamespace);
    return 'none';
  }

  /** Removes every data-plane object of the extension (mode changed, or it is going). */
  async release(extension: KubeObject, gatewayNamespace: string): Promise<void> {
    await this.removeIfServed(Resources.EnvoyFilter, gatewayNamespace, extProcObjectName(extension));
    await this.removeEnvoyGatewayPolicy(extension, gatewayNamespace);
  }

  private async removeEnvoyGatewayPolicy(extension: KubeObject, gatewayNamespace: string): Promise<void> {
    await this.removeIfServed(Resources.EnvoyExtensionPolicy, gatewayNamespace, extProcObjectName(extension));
    await this.removeReferenceGrant(extension);
  }

  private async removeReferenceGrant(extension: KubeObject): Promise<void> {
    const name = extProcObjectName(extension);
    const grant = this.view.get(Resources.ReferenceGrant, extension.metadata.namespace, name);
    const owned = grant?.metadata.ownerReferences?.some((owner) => owner.uid === extension.metadata.uid) ?? false;
    if (owned) await this.client.delete(Resources.ReferenceGrant, extension.metadata.namespace, name);
  }

  private async apply(resource: KubeResource, object: KubeObject): Promise<void> {
    try {
      await this.client.apply(resource, object);
    } catch (error) {
      if (notServed(error)) throw new DataPlaneKindNotServedError(resource);
      throw error;
    }
  }

  private async removeIfServed(resource: KubeResource, namespace: string, name: string): Promise<void> {
    try {
      await this.client.delete(resource, namespace, name);
    } catch (error) {
      if (!notServed(error)) throw error;
    }
  }
}
