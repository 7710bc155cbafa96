// Composition of the operator: informers for every watched resource (started on every
// replica, so a standby's caches are warm), the three controllers with the watches that map
// events to keys, and leader election deciding which replica runs the controllers. Nothing
// here holds behaviour: that lives in the reconcilers and the runtime modules.
import type * as k8s from '@kubernetes/client-node';
import type { MCPGatewayExtensionSpec } from '@mcp-gateway/crd';
import type { Logger } from '@mcp-gateway/telemetry';
import type { Registry } from 'prom-client';
import type { ComponentImages } from './gateway-extension/component-images';
import { componentNames } from './gateway-extension/component-names';
import { EXTENSION_LABEL } from './gateway-extension/extension-components';
import { GatewayExtensionReconciler } from './gateway-extension/gateway-extension-reconciler';
import { KubeClient } from './kube/kube-client';
import { objectKey, type KubeObject } from './kube/kube-object';
import { Resources, type KubeResource } from './kube/kube-resource';
import { InformerClusterView, type ClusterView } from './runtime/cluster-view';
import { Controller } from './runtime/controller';
import { ControllerMetrics } from './runtime/controller-metrics';
import { EventRecorder } from './runtime/event-recorder';
import { LeaderElector } from './runtime/leader-election';
import { ResourceInformer } from './runtime/resource-informer';
import type { WorkQueueBackoff } from './runtime/work-queue';
import { registrationSpec } from './server-registration/registration-resolution';
import { ServerRegistrationReconciler } from './server-registration/server-registration-reconciler';
import { StatusWriter } from './status/status-writer';
import { extensionTarget } from './topology/gateway-parent';
import { VirtualServerReconciler } from './virtual-server/virtual-server-reconciler';

/** Every resource the operator keeps an informer for. */
export const WATCHED_RESOURCES: readonly KubeResource[] = Object.freeze([
  Resources.MCPGatewayExtension,
  Resources.MCPServerRegistration,
  Resources.MCPVirtualServer,
  Resources.Gateway,
  Resources.GatewayClass,
  Resources.HTTPRoute,
  Resources.ReferenceGrant,
  Resources.Service,
  Resources.Secret,
  Resources.Deployment,
  Resources.Namespace,
]);

export interface LeaderElectionSettings {
  readonly namespace: string;
  readonly leaseName: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export interface OperatorOptions {
  readonly kubeconfig: k8s.KubeConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly images: ComponentImages;
  /** This replica's name in the Lease and in Events. */
  readonly identity: string;
  /** Undefined: no election, this replica always runs the controllers. */
  readonly leaderElection: LeaderElectionSettings | undefined;
  readonly resyncPeriodMs: number;
  readonly backoff?: WorkQueueBackoff;
  /** Called when this replica loses the Lease (the process should exit and start over). */
  readonly onLostLeadership?: () => void;
}

export interface RunningOperator {
  readonly client: KubeClient;
  isLeader(): boolean;
  /** Every informer has listed once. */
  ready(): boolean;
  stop(): Promise<void>;
}

function ownerKey(object: KubeObject): string[] {
  const owner = object.metadata.ownerReferences?.find((reference) => reference.kind === 'MCPGatewayExtension' && reference.controller);
  return owner === undefined ? [] : [`${object.metadata.namespace ?? ''}/${owner.name}`];
}

function isOwned(object: KubeObject): boolean {
  return ownerKey(object).length > 0;
}

export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const { logger } = options;
  const client = new KubeClient(options.kubeconfig);
  const metrics = new ControllerMetrics(options.registry);
  const informers = WATCHED_RESOURCES.map(
    (resource) => new ResourceInformer(client, resource, { resyncPeriodMs: options.resyncPeriodMs, logger, onRestart: () => metrics.informerRestarts.inc({ resource: resource.plural }) }),
  );
  const informerOf = (resource: KubeResource) => informers.find((informer) => informer.resource === resource) as ResourceInformer;
  const view: ClusterView = new InformerClusterView(informers);
  const events = new EventRecorder(client, 'mcp.kuadrant.io/mcp-gateway-operator', options.identity, logger);
  const status = new StatusWriter(client, events);
  const keysOf = (resource: KubeResource) => () => view.list(resource).map(objectKey);

  const extensions = new Controller({
    name: 'MCPGatewayExtension',
    reconciler: new GatewayExtensionReconciler({ client, view, status, images: options.images }),
    logger,
    metrics,
    initialKeys: keysOf(Resources.MCPGatewayExtension),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const registrations = new Controller({
    name: 'MCPServerRegistration',
    reconciler: new ServerRegistrationReconciler({ client, view, status }),
    logger,
    metrics,
    initialKeys: keysOf(Resources.MCPServerRegistration),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const virtualServers = new Controller({
    name: 'MCPVirtualServer',
    reconciler: new VirtualServerReconciler({ view, status }),
    logger,
    metrics,
    initialKeys: keysOf(Resources.MCPVirtualServer),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const controllers = [extensions, registrations, virtualServers];

  const allExtensions = keysOf(Resources.MCPGatewayExtension);
  const allRegistrations = keysOf(Resources.MCPServerRegistration);
  const allVirtualServers = keysOf(Resources.MCPVirtualServer);
  const isConfigSecret = (secret: KubeObject) => {
    const extension = secret.metadata.labels?.[EXTENSION_LABEL];
    return extension !== undefined && secret.metadata.name === componentNames(extension).config;
  };
  const referencedAsCredential = (secret: KubeObject) =>
    view.list(Resources.MCPServerRegistration, secret.metadata.namespace).some((registration) => registrationSpec(registration).credentialRef?.name === secret.metadata.name);

  // MCPGatewayExtension: its own events, what it owns, and everything its config is made of.
  extensions.watch(informerOf(Resources.MCPGatewayExtension), () => allExtensions());
  extensions.watch(informerOf(Resources.Deployment), ownerKey);
  extensions.watch(informerOf(Resources.Service), (service) => (isOwned(service) ? ownerKey(service) : allExtensions()));
  extensions.watch(informerOf(Resources.HTTPRoute), (route) => (isOwned(route) ? ownerKey(route) : allExtensions()));
  extensions.watch(informerOf(Resources.Secret), (secret) => {
    if (isOwned(secret)) return ownerKey(secret);
    if (referencedAsCredential(secret)) return allExtensions();
    return view
      .list(Resources.MCPGatewayExtension, secret.metadata.namespace)
      .filter((extension) => (extension['spec'] as MCPGatewayExtensionSpec).sessionStore?.secretName === secret.metadata.name)
      .map(objectKey);
  });
  extensions.watch(informerOf(Resources.Gateway), (gateway) =>
    view
      .list(Resources.MCPGatewayExtension)
      .filter((extension) => extensionTarget(extension).namespace === gateway.metadata.namespace && extensionTarget(extension).name === gateway.metadata.name)
      .map(objectKey),
  );
  extensions.watch(informerOf(Resources.ReferenceGrant), () => allExtensions());
  extensions.watch(informerOf(Resources.GatewayClass), () => allExtensions());
  extensions.watch(informerOf(Resources.Namespace), () => allExtensions());
  extensions.watch(informerOf(Resources.MCPServerRegistration), () => allExtensions());
  extensions.watch(informerOf(Resources.MCPVirtualServer), () => allExtensions());

  // MCPServerRegistration: its own events, its route, backend and credential, and the gateways.
  registrations.watch(informerOf(Resources.MCPServerRegistration), (registration) => [objectKey(registration)]);
  registrations.watch(informerOf(Resources.HTTPRoute), (route) => (isOwned(route) ? [] : allRegistrations()));
  registrations.watch(informerOf(Resources.Service), (service) => (isOwned(service) ? [] : allRegistrations()));
  registrations.watch(informerOf(Resources.Secret), (secret) => {
    if (isConfigSecret(secret)) return allRegistrations();
    return view
      .list(Resources.MCPServerRegistration, secret.metadata.namespace)
      .filter((registration) => registrationSpec(registration).credentialRef?.name === secret.metadata.name)
      .map(objectKey);
  });
  registrations.watch(informerOf(Resources.MCPGatewayExtension), () => allRegistrations());
  registrations.watch(informerOf(Resources.ReferenceGrant), () => allRegistrations());

  // MCPVirtualServer: its own events, the gateways and what they serve.
  virtualServers.watch(informerOf(Resources.MCPVirtualServer), (server) => [objectKey(server)]);
  virtualServers.watch(informerOf(Resources.MCPGatewayExtension), () => allVirtualServers());
  virtualServers.watch(informerOf(Resources.MCPServerRegistration), () => allVirtualServers());
  virtualServers.watch(informerOf(Resources.Secret), (secret) => (isConfigSecret(secret) ? allVirtualServers() : []));

  const synced = () => informers.every((informer) => informer.synced);
  const cachesSynced = Promise.all(informers.map((informer) => informer.start()));
  let stopping = false;
  let controllersRunning = false;
  const startControllers = async () => {
    await cachesSynced;
    if (stopping || controllersRunning) return;
    controllersRunning = true;
    logger.info('caches synced; starting controllers');
    for (const controller of controllers) controller.start();
  };
  const stopControllers = async () => {
    controllersRunning = false;
    await Promise.all(controllers.map((controller) => controller.stop()));
  };

  let elector: LeaderElector | undefined;
  if (options.leaderElection === undefined) {
    metrics.leader.set(1);
    void startControllers();
  } else {
    elector = new LeaderElector({
      client,
      ...options.leaderElection,
      identity: options.identity,
      logger,
      onStartedLeading: () => {
        metrics.leader.set(1);
        void startControllers();
      },
      onStoppedLeading: () => {
        metrics.leader.set(0);
        void stopControllers().then(() => options.onLostLeadership?.());
      },
    });
    elector.start();
  }

  return {
    client,
    isLeader: () => elector?.isLeader ?? true,
    ready: synced,
    async stop() {
      stopping = true;
      await stopControllers();
      await elector?.stop();
      metrics.leader.set(0);
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
}
