// Marks, in the Gateway's own status, the listeners an MCPGatewayExtension programs: one
// condition of type `mcp.kuadrant.io/MCPGatewayExtension` per listener status entry, written
// by server-side apply under a field manager per extension, so the Gateway's controller (which
// owns the rest of the status) and other extensions keep their fields. Listener entries are
// only touched once the Gateway's controller has created them (they carry required fields
// this operator does not own). Releasing applies an empty configuration: the conditions go.
import { GATEWAY_API_GROUP } from '@mcp-gateway/crd';
import type { KubeClient } from '../kube/kube-client';
import { objectKey, type KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import { rfc3339 } from '../status/condition-set';

export const LISTENER_CONDITION_TYPE = 'mcp.kuadrant.io/MCPGatewayExtension';
/** Held on an extension while a Gateway's status names it, so deleting it cleans that up. */
export const GATEWAY_STATUS_FINALIZER = 'mcp.kuadrant.io/gateway-status';

interface ListenerStatus {
  name: string;
  conditions?: Array<{ type: string; status: string; reason: string; message: string; observedGeneration?: number; lastTransitionTime: string }>;
}

function listenerStatuses(gateway: KubeObject): ListenerStatus[] {
  return ((gateway['status'] ?? {}) as { listeners?: ListenerStatus[] }).listeners ?? [];
}

export function gatewayStatusManager(extension: KubeObject): string {
  return `mcp-gateway-operator/${objectKey(extension)}`.slice(0, 128);
}

export class GatewayListenerStatus {
  constructor(private readonly client: KubeClient) {}

  /** Claims the named listeners that have a status entry; returns whether any was claimed. */
  async program(extension: KubeObject, gateway: KubeObject, listenerNames: readonly string[]): Promise<boolean> {
    const message = `MCP is served on this listener by MCPGatewayExtension ${objectKey(extension)}`;
    const generation = gateway.metadata.generation ?? 0;
    const present = listenerStatuses(gateway).filter((listener) => listenerNames.includes(listener.name));
    if (present.length === 0) return false;
    const current = (listener: ListenerStatus) => listener.conditions?.find((condition) => condition.type === LISTENER_CONDITION_TYPE);
    const upToDate = present.every((listener) => {
      const condition = current(listener);
      return condition?.status === 'True' && condition.message === message && condition.observedGeneration === generation;
    });
    if (upToDate) return true;
    await this.client.applyStatus(
      Resources.Gateway,
      {
        apiVersion: `${GATEWAY_API_GROUP}/v1`,
        kind: 'Gateway',
        metadata: { name: gateway.metadata.name ?? '', namespace: gateway.metadata.namespace ?? '' },
        status: {
          listeners: present.map((listener) => ({
            name: listener.name,
            conditions: [{ type: LISTENER_CONDITION_TYPE, status: 'True', reason: 'Programmed', message, observedGeneration: generation, lastTransitionTime: current(listener)?.lastTransitionTime ?? rfc3339() }],
          })),
        },
      },
      gatewayStatusManager(extension),
    );
    return true;
  }

  /** Removes every condition this extension wrote into the Gateway's status. */
  async release(extension: KubeObject, gateway: KubeObject): Promise<void> {
    await this.client.applyStatus(Resources.Gateway, { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: 'Gateway', metadata: { name: gateway.metadata.name ?? '', namespace: gateway.metadata.namespace ?? '' } }, gatewayStatusManager(extension));
  }
}
