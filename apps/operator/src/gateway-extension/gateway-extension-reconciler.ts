// Reconciles one MCPGatewayExtension: checks its target (extension-acceptance), then brings
// into being, owned by it, the config Secret (servers from gateway-server-set, virtual
// servers), the credentials Secret, the session signing key Secret (generated once, kept),
// ServiceAccounts, Services, the broker and router Deployments and, when managed, the
// HTTPRoute; finally reports Accepted and Ready (Ready once both Deployments are available).
// It never deletes what it does not own, and leaves everything in place while the target is
// (perhaps briefly) not acceptable.
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@mcp-gateway/config';
import { ConditionReason, ConditionType, HttpRouteManagement, type MCPGatewayExtensionSpec } from '@mcp-gateway/crd';
import { KubeApiError } from '../kube/kube-api-error';
import type { KubeClient } from '../kube/kube-client';
import { objectKey, type KubeObject } from '../kube/kube-object';
import { Resources } from '../kube/kube-resource';
import type { ClusterView } from '../runtime/cluster-view';
import { TerminalReconcileError, type ReconcileContext, type ReconcileRequest, type ReconcileResult, type Reconciler } from '../runtime/reconciler';
import { gatewayServerSet } from '../server-registration/gateway-server-set';
import type { DesiredCondition } from '../status/condition-set';
import type { StatusWriter } from '../status/status-writer';
import { renderVirtualServers } from '../virtual-server/virtual-server-rendering';
import type { ComponentImages } from './component-images';
import { componentNames, type ComponentNames } from './component-names';
import { checkExtension } from './extension-acceptance';
import { extensionComponents, ownedMetadata, SIGNING_KEY_SECRET_KEY } from './extension-components';
import { CONFIG_FILE_KEY, renderGatewayConfig, VIRTUAL_SERVERS_FILE_KEY } from './gateway-config-rendering';
import { GATEWAY_STATUS_FINALIZER, GatewayListenerStatus } from './gateway-listener-status';
import { extensionTarget } from '../topology/gateway-parent';
import { chooseDataPlane } from '../data-plane/data-plane-choice';
import { DataPlaneKindNotServedError, DataPlaneWiring } from '../data-plane/data-plane-wiring';
import { MAX_ROUTED_SERVERS, upstreamRouteRules } from '../data-plane/upstream-route-rules';

export interface GatewayExtensionReconcilerOptions {
  readonly client: KubeClient;
  readonly view: ClusterView;
  readonly status: StatusWriter;
  readonly images: ComponentImages;
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Available replicas cover what the Deployment wants, for the spec it last saw. */
export function deploymentAvailable(deployment: KubeObject | undefined): { ready: boolean; detail: string } {
  if (deployment === undefined) return { ready: false, detail: 'not created yet' };
  const spec = (deployment['spec'] ?? {}) as { replicas?: number };
  const status = (deployment['status'] ?? {}) as { observedGeneration?: number; availableReplicas?: number; updatedReplicas?: number };
  const wanted = spec.replicas ?? 1;
  const available = status.availableReplicas ?? 0;
  const current = (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0);
  return { ready: current && available >= wanted && (status.updatedReplicas ?? 0) >= wanted, detail: `${available}/${wanted} replicas available${current ? '' : ', rollout not observed yet'}` };
}

export class GatewayExtensionReconciler implements Reconciler {
  private readonly listenerStatus: GatewayListenerStatus;
  private readonly dataPlane: DataPlaneWiring;

  constructor(private readonly options: GatewayExtensionReconcilerOptions) {
    this.listenerStatus = new GatewayListenerStatus(options.client);
    this.dataPlane = new DataPlaneWiring(options.client, options.view);
  }

  async reconcile(request: ReconcileRequest, context: ReconcileContext): Promise<ReconcileResult | undefined> {
    const { view, status } = this.options;
    const extension = view.get(Resources.MCPGatewayExtension, request.namespace, request.name);
    if (extension === undefined) return undefined;
    // Going: take our marks off the Gateway's status; owner references make the garbage
    // collector remove everything else once the extension is gone.
    if (extension.metadata.deletionTimestamp !== undefined) {
      await this.releaseGateway(extension);
      return undefined;
    }

    const acceptance = checkExtension(extension, view);
    if (!acceptance.accepted) {
      context.logger.info({ reason: acceptance.reason }, acceptance.message);
      await this.releaseGateway(extension);
      await status.write(Resources.MCPGatewayExtension, extension, [
        { type: ConditionType.Accepted, status: 'False', reason: acceptance.reason, message: acceptance.message },
        { type: ConditionType.Ready, status: 'False', reason: acceptance.reason, message: acceptance.message },
      ]);
      return undefined;
    }

    const names = componentNames(extension.metadata.name ?? '');
    const acceptedCondition: DesiredCondition = {
      type: ConditionType.Accepted,
      status: 'True',
      reason: ConditionReason.Accepted,
      message: `serving listener(s) ${acceptance.listeners.map((listener) => listener.name).join(', ')} of Gateway ${objectKey(acceptance.gateway)}`,
    };
    const dataPlane = chooseDataPlane(extension, acceptance.gateway, view);
    if (dataPlane.mode === 'Unsupported') {
      context.logger.info({ reason: ConditionReason.DataPlaneUnsupported }, dataPlane.message);
      await status.write(Resources.MCPGatewayExtension, extension, [acceptedCondition, { type: ConditionType.Ready, status: 'False', reason: ConditionReason.DataPlaneUnsupported, message: dataPlane.message }]);
      return undefined;
    }
    const serverSet = gatewayServerSet(extension, view);
    let configYaml: string;
    try {
      configYaml = renderGatewayConfig(extension, serverSet, acceptance.listeners, names).yaml;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const message = `the rendered gateway config is invalid: ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
      await status.write(Resources.MCPGatewayExtension, extension, [
        { type: ConditionType.Accepted, status: 'True', reason: ConditionReason.Accepted, message: 'target listener found' },
        { type: ConditionType.Ready, status: 'False', reason: ConditionReason.ReconcileFailed, message },
      ]);
      throw new TerminalReconcileError(message);
    }

    await this.applySecrets(extension, names, configYaml, serverSet.servers.flatMap((server) => (server.resolution.credentialValue === undefined ? [] : [[server.credentialKey, server.resolution.credentialValue] as const])));
    const spec = extension['spec'] as MCPGatewayExtensionSpec;
    const upstreamRoutes = dataPlane.mode === 'ExtProc' ? upstreamRouteRules(serverSet.servers) : undefined;
    for (const { resource, object } of extensionComponents({
      extension,
      names,
      images: this.options.images,
      sessionStoreFingerprint: acceptance.sessionStoreFingerprint,
      ...(upstreamRoutes ? { extProc: { upstreamRules: upstreamRoutes.rules } } : {}),
    })) {
      await this.options.client.apply(resource, object);
    }
    let wiring: string;
    try {
      wiring = await this.dataPlane.program({ extension, gateway: acceptance.gateway, listeners: acceptance.listeners, routerServiceName: names.router, choice: dataPlane });
    } catch (error) {
      if (!(error instanceof DataPlaneKindNotServedError)) throw error;
      await status.write(Resources.MCPGatewayExtension, extension, [acceptedCondition, { type: ConditionType.Ready, status: 'False', reason: ConditionReason.DataPlaneUnavailable, message: error.message }]);
      return undefined;
    }
    if ((spec.httpRouteManagement ?? HttpRouteManagement.Enabled) === HttpRouteManagement.Disabled) await this.removeOwnedRoute(extension, names);

    if (await this.listenerStatus.program(extension, acceptance.gateway, acceptance.listeners.map((listener) => listener.name))) {
      await this.holdFinalizer(extension);
    }

    const broker = deploymentAvailable(view.get(Resources.Deployment, extension.metadata.namespace, names.broker));
    const router = deploymentAvailable(view.get(Resources.Deployment, extension.metadata.namespace, names.router));
    const dataPlaneNote =
      dataPlane.mode === 'ExtProc'
        ? `; data plane ExtProc (${dataPlane.implementation}, ${wiring})${upstreamRoutes && upstreamRoutes.unrouted.length > 0 ? `; not routed (an HTTPRoute holds ${MAX_ROUTED_SERVERS} servers): ${upstreamRoutes.unrouted.join(', ')}` : ''}`
        : '';
    const ready: DesiredCondition =
      broker.ready && router.ready
        ? { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Ready, message: `broker and router available; ${serverSet.servers.length} server(s) configured${dataPlaneNote}` }
        : { type: ConditionType.Ready, status: 'False', reason: ConditionReason.DeploymentNotReady, message: `broker: ${broker.detail}; router: ${router.detail}` };
    await status.write(Resources.MCPGatewayExtension, extension, [acceptedCondition, ready]);
    return undefined;
  }

  private async holdFinalizer(extension: KubeObject): Promise<void> {
    const finalizers = extension.metadata.finalizers ?? [];
    if (finalizers.includes(GATEWAY_STATUS_FINALIZER)) return;
    await this.options.client.mergePatch(Resources.MCPGatewayExtension, extension.metadata.namespace, extension.metadata.name ?? '', {
      metadata: { resourceVersion: extension.metadata.resourceVersion, finalizers: [...finalizers, GATEWAY_STATUS_FINALIZER] },
    });
  }

  /** Clears this extension's conditions from its Gateway's status, then lets it go. */
  private async releaseGateway(extension: KubeObject): Promise<void> {
    const finalizers = extension.metadata.finalizers ?? [];
    if (!finalizers.includes(GATEWAY_STATUS_FINALIZER)) return;
    const target = extensionTarget(extension);
    const gateway = this.options.view.get(Resources.Gateway, target.namespace, target.name);
    if (gateway !== undefined) await this.listenerStatus.release(extension, gateway);
    // The Envoy wiring next to the Gateway may not be owned (another namespace): remove it here.
    await this.dataPlane.release(extension, target.namespace);
    await this.options.client.mergePatch(Resources.MCPGatewayExtension, extension.metadata.namespace, extension.metadata.name ?? '', {
      metadata: { resourceVersion: extension.metadata.resourceVersion, finalizers: finalizers.filter((finalizer) => finalizer !== GATEWAY_STATUS_FINALIZER) },
    });
  }

  private async applySecrets(extension: KubeObject, names: ComponentNames, configYaml: string, credentials: ReadonlyArray<readonly [string, string]>): Promise<void> {
    const { client, view } = this.options;
    const namespace = extension.metadata.namespace ?? '';
    // Credentials first: the config must never name a credential file that is not there yet.
    await client.apply(Resources.Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: ownedMetadata(extension, names.credentials, 'credentials'),
      type: 'Opaque',
      data: Object.fromEntries(credentials),
    });
    await client.apply(Resources.Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: ownedMetadata(extension, names.config, 'config'),
      type: 'Opaque',
      data: { [CONFIG_FILE_KEY]: base64(configYaml), [VIRTUAL_SERVERS_FILE_KEY]: base64(renderVirtualServers(view.list(Resources.MCPVirtualServer))) },
    });
    // Generated once and kept: replacing it would invalidate every session id in flight.
    if (view.get(Resources.Secret, namespace, names.signingKey) === undefined && (await client.get(Resources.Secret, namespace, names.signingKey)) === undefined) {
      try {
        await client.create(Resources.Secret, {
          metadata: ownedMetadata(extension, names.signingKey, 'session-signing'),
          type: 'Opaque',
          data: { [SIGNING_KEY_SECRET_KEY]: base64(randomBytes(48).toString('base64url')) },
        });
      } catch (error) {
        if (!(error instanceof KubeApiError && error.isAlreadyExists)) throw error;
      }
    }
  }

  private async removeOwnedRoute(extension: KubeObject, names: ComponentNames): Promise<void> {
    const route = this.options.view.get(Resources.HTTPRoute, extension.metadata.namespace, names.route);
    const owned = route?.metadata.ownerReferences?.some((owner) => owner.uid === extension.metadata.uid) ?? false;
    if (owned) await this.options.client.delete(Resources.HTTPRoute, extension.metadata.namespace, names.route);
  }
}
