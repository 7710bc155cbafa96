// Reconciles one MCPVirtualServer: every extension in effect writes all virtual servers into
// its config Secret (see the extension reconciler); this reports whether that happened, and
// names the tools and prompts no registered server can provide. Without asking the broker,
// "can provide" is judged by prefix: a name is unknown when no served server's prefix
// starts it and no server is served without a prefix.
import { ConditionReason, ConditionType, type MCPVirtualServerSpec } from '@mcp-gateway/crd';
import { objectKey } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import type { ReconcileRequest, ReconcileResult, Reconciler } from '../runtime/reconciler';
import { configuredVirtualServers } from '../gateway-extension/configured-servers';
import { gatewayServerSet } from '../server-registration/gateway-server-set';
import { isAccepted } from '../status/accepted-extensions';
import type { DesiredCondition } from '../status/condition-set';
import type { StatusWriter } from '../status/status-writer';

export interface VirtualServerReconcilerOptions {
  readonly view: ClusterView;
  readonly status: StatusWriter;
}

export class VirtualServerReconciler implements Reconciler {
  constructor(private readonly options: VirtualServerReconcilerOptions) {}

  async reconcile(request: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const { view, status } = this.options;
    const virtualServer = view.get(Resources.MCPVirtualServer, request.namespace, request.name);
    if (virtualServer === undefined || virtualServer.metadata.deletionTimestamp !== undefined) return undefined;
    const spec = (virtualServer['spec'] ?? {}) as MCPVirtualServerSpec;
    const accepted = view.list(Resources.MCPGatewayExtension).filter(isAccepted);
    const accept: DesiredCondition = { type: ConditionType.Accepted, status: 'True', reason: ConditionReason.Accepted, message: 'valid' };
    let ready: DesiredCondition;
    if (accepted.length === 0) {
      ready = { type: ConditionType.Ready, status: 'False', reason: ConditionReason.NoGatewayExtension, message: 'no MCPGatewayExtension is in effect to serve this virtual server' };
    } else {
      const prefixes = accepted.flatMap((extension) => gatewayServerSet(extension, view).servers.map((server) => server.resolution.prefix));
      const anyUnprefixed = prefixes.includes('');
      const unknown = (names: readonly string[] | undefined) => (anyUnprefixed ? [] : (names ?? []).filter((name) => !prefixes.some((prefix) => prefix !== '' && name.startsWith(prefix))));
      const unknownTools = unknown(spec.tools);
      const unknownPrompts = unknown(spec.prompts);
      const pending = accepted.filter((extension) => !configuredVirtualServers(view, extension).includes(objectKey(virtualServer)));
      if (unknownTools.length + unknownPrompts.length > 0) {
        const parts = [unknownTools.length > 0 ? `tools ${unknownTools.join(', ')}` : '', unknownPrompts.length > 0 ? `prompts ${unknownPrompts.join(', ')}` : ''].filter((part) => part !== '');
        ready = { type: ConditionType.Ready, status: 'False', reason: ConditionReason.UnknownReferences, message: `no registered server's prefix matches ${parts.join(' and ')}` };
      } else if (pending.length > 0) {
        ready = { type: ConditionType.Ready, status: 'False', reason: ConditionReason.Progressing, message: `waiting for the gateway config of ${pending.map(objectKey).join(', ')}` };
      } else {
        ready = { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Ready, message: `served by ${accepted.map(objectKey).join(', ')}` };
      }
    }
    await status.write(Resources.MCPVirtualServer, virtualServer, [accept, ready]);
    return undefined;
  }
}
