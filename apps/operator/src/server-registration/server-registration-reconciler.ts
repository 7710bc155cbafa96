// Reconciles one MCPServerRegistration. The server's place in a gateway's config is written
// by the extension's reconciler (both compute it with gateway-server-set); this one holds the
// finalizer that keeps the registration until no config lists it any more, and reports
// whether the server is served: Ready once every extension serving its route lists it, or
// the reason it is not (missing route, backend or Secret, prefix conflict, no gateway).
import { ConditionReason, ConditionType, MCP_SERVER_REGISTRATION_DEFAULTS } from '@mcp-gateway/crd';
import type { KubeClient } from '../kube/kube-client';
import { objectKey, type KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import type { ReconcileContext, ReconcileRequest, ReconcileResult, Reconciler } from '../runtime/reconciler';
import { configuredServers } from '../gateway-extension/configured-servers';
import { isAccepted, readyMessage } from '../status/accepted-extensions';
import type { DesiredCondition } from '../status/condition-set';
import type { StatusWriter } from '../status/status-writer';
import { extensionsServingRoute } from '../topology/gateway-parent';
import { gatewayServerSet, serverNameOf } from './gateway-server-set';
import { registrationSpec, resolveRegistration } from './registration-resolution';

/** Held while any gateway config may still list the server. */
export const REGISTRATION_FINALIZER = 'mcp.kuadrant.io/gateway-config';

/** While a config still lists a deleted registration, look again this often (the Secret's
 * watch event normally comes first). */
const FINALIZER_RECHECK_MS = 2_000;

export interface ServerRegistrationReconcilerOptions {
  readonly client: KubeClient;
  readonly view: ClusterView;
  readonly status: StatusWriter;
}

function conditions(accepted: DesiredCondition['status'], reason: string, message: string, ready?: { status: DesiredCondition['status']; reason: string; message: string }): DesiredCondition[] {
  return [
    { type: ConditionType.Accepted, status: accepted, reason: accepted === 'True' ? ConditionReason.Accepted : reason, message: accepted === 'True' ? 'route resolved' : message },
    { type: ConditionType.Ready, ...(ready ?? { status: 'False', reason, message }) },
  ];
}

export class ServerRegistrationReconciler implements Reconciler {
  constructor(private readonly options: ServerRegistrationReconcilerOptions) {}

  async reconcile(request: ReconcileRequest, context: ReconcileContext): Promise<ReconcileResult | undefined> {
    const { view, client, status } = this.options;
    let registration = view.get(Resources.MCPServerRegistration, request.namespace, request.name);
    if (registration === undefined) return undefined;
    const finalizers = registration.metadata.finalizers ?? [];

    if (registration.metadata.deletionTimestamp !== undefined) {
      if (!finalizers.includes(REGISTRATION_FINALIZER)) return undefined;
      const serverName = serverNameOf(registration);
      const stillListing = view.list(Resources.MCPGatewayExtension).filter((extension) => configuredServers(view, extension).some((server) => server.name === serverName));
      if (stillListing.length > 0) {
        context.logger.info({ extensions: stillListing.map(objectKey) }, 'waiting for the gateway config to drop the server before releasing the registration');
        return { requeueAfterMs: FINALIZER_RECHECK_MS };
      }
      await client.mergePatch(Resources.MCPServerRegistration, request.namespace, request.name, {
        metadata: { resourceVersion: registration.metadata.resourceVersion, finalizers: finalizers.filter((finalizer) => finalizer !== REGISTRATION_FINALIZER) },
      });
      context.logger.info('server removed from every gateway config; registration released');
      return undefined;
    }
    if (!finalizers.includes(REGISTRATION_FINALIZER)) {
      registration = await client.mergePatch(Resources.MCPServerRegistration, request.namespace, request.name, {
        metadata: { resourceVersion: registration.metadata.resourceVersion, finalizers: [...finalizers, REGISTRATION_FINALIZER] },
      });
    }
    await status.write(Resources.MCPServerRegistration, registration, this.desiredConditions(registration));
    return undefined;
  }

  private desiredConditions(registration: KubeObject): DesiredCondition[] {
    const { view } = this.options;
    const resolution = resolveRegistration(registration, view);
    if (!resolution.ok) return conditions('False', resolution.reason, resolution.message);
    const routeName = objectKey(resolution.route);
    const serving = extensionsServingRoute(resolution.route, view.list(Resources.MCPGatewayExtension));
    if (serving.length === 0) {
      return conditions('False', ConditionReason.NoGatewayExtension, `no MCPGatewayExtension serves a Gateway listener that HTTPRoute ${routeName} attaches to (check the route's parentRefs)`);
    }
    const accepted = serving.filter(isAccepted);
    if (accepted.length === 0) {
      return conditions('False', ConditionReason.NoGatewayExtension, `the MCPGatewayExtension serving HTTPRoute ${routeName} is not in effect: ${serving.map((extension) => `${objectKey(extension)} (${readyMessage(extension)})`).join('; ')}`);
    }
    const key = objectKey(registration);
    for (const extension of accepted) {
      const holder = gatewayServerSet(extension, view).prefixConflicts.get(key);
      if (holder !== undefined) {
        const prefix = registrationSpec(registration).prefix ?? MCP_SERVER_REGISTRATION_DEFAULTS.prefix;
        return conditions('False', ConditionReason.PrefixConflict, `prefix "${prefix}" is already used on the gateway of MCPGatewayExtension ${objectKey(extension)} by the older MCPServerRegistration ${holder}; choose another prefix`);
      }
    }
    if (!resolution.enabled) {
      return conditions('True', ConditionReason.Accepted, '', { status: 'False', reason: ConditionReason.Disabled, message: 'spec.state is Disabled: the server is in the gateway config but not connected or routed to' });
    }
    const serverName = serverNameOf(registration);
    const pending = accepted.filter((extension) => !configuredServers(view, extension).some((server) => server.name === serverName && server.url === resolution.url));
    if (pending.length > 0) {
      return conditions('True', ConditionReason.Accepted, '', { status: 'False', reason: ConditionReason.Progressing, message: `waiting for the gateway config of ${pending.map(objectKey).join(', ')} to include the server` });
    }
    return conditions('True', ConditionReason.Accepted, '', {
      status: 'True',
      reason: ConditionReason.Ready,
      message: `served as "${serverName}" (${resolution.url}) by ${accepted.map((extension) => `MCPGatewayExtension ${objectKey(extension)}`).join(', ')}`,
    });
  }
}
