// The objects an MCPGatewayExtension stands for, as server-side apply configurations: only
// the fields the operator owns. Replica counts are left out when the spec sets none (so a
// user or an HPA may scale), except that without a session store there must be exactly one
// replica (sessions live in that process's memory). Containers are configured through
// environment variables only, so `args` stays free for a user's extra flags. Each object is
// owned by the extension (deleting it deletes them).
import type { MCPGatewayExtensionSpec } from '@mcp-gateway/crd';
import { GATEWAY_API_GROUP, HttpRouteManagement, MCP_API_GROUP, STORAGE_VERSION } from '@mcp-gateway/crd';
import type { KubeObject, OwnerReference } from '../kube/kube-object';
import { Resources, type KubeResource } from '../kube/kube-resource';
import type { ComponentImages } from './component-images';
import type { ComponentNames } from './component-names';
import { CONFIG_FILE_PATH, CONFIG_MOUNT_PATH, CREDENTIALS_MOUNT_PATH } from './gateway-config-rendering';
import { SESSION_STORE_SECRET_KEY } from './extension-acceptance';
import { extensionTarget } from '../topology/gateway-parent';
import { ROUTER_EXT_PROC_PORT } from '../data-plane/ext-proc-filter-config';
import { ROUTER_FACE_HEADER } from '../data-plane/upstream-route-rules';

export const SIGNING_KEY_SECRET_KEY = 'GATEWAY_SESSION_SECRET';
export const BROKER_HTTP_PORT = 8081;
export const BROKER_GRPC_PORT = 50051;
export const ROUTER_HTTP_PORT = 8080;
export const OAUTH_METADATA_PATH = '/.well-known/oauth-protected-resource';
/** Label on every object the operator creates for an extension (its name). */
export const EXTENSION_LABEL = 'mcp.kuadrant.io/extension';
export const SESSION_STORE_FINGERPRINT_ANNOTATION = 'mcp.kuadrant.io/session-store-fingerprint';

export interface DesiredObject {
  readonly resource: KubeResource;
  readonly object: KubeObject;
}

export interface ComponentInputs {
  readonly extension: KubeObject;
  readonly names: ComponentNames;
  readonly images: ComponentImages;
  readonly sessionStoreFingerprint: string | undefined;
  /** Set in ExtProc mode (docs/data-plane.md): the router also serves ext_proc, and the
   * HTTPRoute sends /mcp to the broker plus one rule per upstream server. */
  readonly extProc?: { readonly upstreamRules: readonly object[] };
}

export function ownerReferenceTo(extension: KubeObject): OwnerReference {
  return {
    apiVersion: `${MCP_API_GROUP}/${STORAGE_VERSION}`,
    kind: 'MCPGatewayExtension',
    name: extension.metadata.name ?? '',
    uid: extension.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function labels(extension: KubeObject, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': `mcp-gateway-${component}`,
    'app.kubernetes.io/instance': extension.metadata.name ?? '',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'mcp-gateway',
    'app.kubernetes.io/managed-by': 'mcp-gateway-operator',
    [EXTENSION_LABEL]: extension.metadata.name ?? '',
  };
}

function selector(extension: KubeObject, component: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': extension.metadata.name ?? '', 'app.kubernetes.io/component': component };
}

export function ownedMetadata(extension: KubeObject, name: string, component: string): KubeObject['metadata'] {
  return { name, namespace: extension.metadata.namespace ?? '', labels: labels(extension, component), ownerReferences: [ownerReferenceTo(extension)] };
}

const POD_SECURITY_CONTEXT = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } };
const CONTAINER_SECURITY_CONTEXT = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

function sharedEnv(inputs: ComponentInputs): object[] {
  const spec = inputs.extension['spec'] as MCPGatewayExtensionSpec;
  const env: object[] = [
    { name: 'GATEWAY_CONFIG', value: CONFIG_FILE_PATH },
    { name: SIGNING_KEY_SECRET_KEY, valueFrom: { secretKeyRef: { name: inputs.names.signingKey, key: SIGNING_KEY_SECRET_KEY } } },
  ];
  if (spec.sessionStore !== undefined) {
    env.push({ name: SESSION_STORE_SECRET_KEY, valueFrom: { secretKeyRef: { name: spec.sessionStore.secretName, key: SESSION_STORE_SECRET_KEY } } });
  }
  return env;
}

function replicas(spec: MCPGatewayExtensionSpec, wanted: number | undefined): { replicas?: number } {
  if (spec.sessionStore === undefined) return { replicas: 1 };
  return wanted === undefined ? {} : { replicas: wanted };
}

function deployment(inputs: ComponentInputs, component: 'broker' | 'router', container: object, replicaCount: { replicas?: number }): KubeObject {
  const { extension, names } = inputs;
  const name = names[component];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: ownedMetadata(extension, name, component),
    spec: {
      ...replicaCount,
      selector: { matchLabels: selector(extension, component) },
      template: {
        metadata: {
          labels: labels(extension, component),
          ...(inputs.sessionStoreFingerprint === undefined ? {} : { annotations: { [SESSION_STORE_FINGERPRINT_ANNOTATION]: inputs.sessionStoreFingerprint } }),
        },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY_CONTEXT,
          containers: [container],
          volumes: [
            { name: 'config', secret: { secretName: names.config } },
            { name: 'credentials', secret: { secretName: names.credentials } },
          ],
        },
      },
    },
  };
}

function probes(port: string): object {
  return {
    readinessProbe: { httpGet: { path: '/readyz', port }, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/healthz', port }, periodSeconds: 10, failureThreshold: 3 },
  };
}

const MOUNTS = [
  { name: 'config', mountPath: CONFIG_MOUNT_PATH, readOnly: true },
  { name: 'credentials', mountPath: CREDENTIALS_MOUNT_PATH, readOnly: true },
];

function service(inputs: ComponentInputs, component: 'broker' | 'router', ports: object[]): KubeObject {
  const { extension, names } = inputs;
  return { apiVersion: 'v1', kind: 'Service', metadata: ownedMetadata(extension, names[component], component), spec: { selector: selector(extension, component), ports } };
}

/** ServiceAccounts, Services, Deployments and (when managed) the HTTPRoute, in apply order. */
export function extensionComponents(inputs: ComponentInputs): DesiredObject[] {
  const { extension, names, images } = inputs;
  const spec = extension['spec'] as MCPGatewayExtensionSpec;
  const namespace = extension.metadata.namespace ?? '';
  const brokerHost = `${names.broker}.${namespace}.svc.cluster.local`;
  const objects: DesiredObject[] = [
    { resource: Resources.ServiceAccount, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: ownedMetadata(extension, names.broker, 'broker') } },
    { resource: Resources.ServiceAccount, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: ownedMetadata(extension, names.router, 'router') } },
    {
      resource: Resources.Service,
      object: service(inputs, 'broker', [
        { name: 'http', port: BROKER_HTTP_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
        { name: 'grpc', port: BROKER_GRPC_PORT, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
      ]),
    },
    {
      resource: Resources.Service,
      object: service(inputs, 'router', [
        { name: 'http', port: ROUTER_HTTP_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
        // gRPC (HTTP/2 without TLS): appProtocol tells Istio and Envoy Gateway to speak h2c.
        ...(inputs.extProc ? [{ name: 'ext-proc', port: ROUTER_EXT_PROC_PORT, targetPort: 'ext-proc', protocol: 'TCP', appProtocol: 'grpc' }] : []),
      ]),
    },
    {
      resource: Resources.Deployment,
      object: deployment(
        inputs,
        'broker',
        {
          name: 'broker',
          image: images.broker,
          ports: [
            { name: 'http', containerPort: BROKER_HTTP_PORT, protocol: 'TCP' },
            { name: 'grpc', containerPort: BROKER_GRPC_PORT, protocol: 'TCP' },
          ],
          env: [
            ...sharedEnv(inputs),
            { name: 'BROKER_HOST', value: '0.0.0.0' },
            { name: 'BROKER_HTTP_PORT', value: String(BROKER_HTTP_PORT) },
            { name: 'BROKER_GRPC_PORT', value: String(BROKER_GRPC_PORT) },
          ],
          ...probes('http'),
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          securityContext: CONTAINER_SECURITY_CONTEXT,
          volumeMounts: MOUNTS,
        },
        replicas(spec, spec.brokerReplicas),
      ),
    },
    {
      resource: Resources.Deployment,
      object: deployment(
        inputs,
        'router',
        {
          name: 'router',
          image: images.router,
          ports: [
            { name: 'http', containerPort: ROUTER_HTTP_PORT, protocol: 'TCP' },
            ...(inputs.extProc ? [{ name: 'ext-proc', containerPort: ROUTER_EXT_PROC_PORT, protocol: 'TCP' }] : []),
          ],
          env: [
            ...sharedEnv(inputs),
            { name: 'ROUTER_HOST', value: '0.0.0.0' },
            { name: 'ROUTER_PORT', value: String(ROUTER_HTTP_PORT) },
            ...(inputs.extProc ? [{ name: 'ROUTER_EXT_PROC_PORT', value: String(ROUTER_EXT_PROC_PORT) }] : []),
            { name: 'BROKER_URL', value: `http://${brokerHost}:${BROKER_HTTP_PORT}` },
            { name: 'BROKER_GRPC_ADDRESS', value: `${brokerHost}:${BROKER_GRPC_PORT}` },
          ],
          ...probes('http'),
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          securityContext: CONTAINER_SECURITY_CONTEXT,
          volumeMounts: MOUNTS,
        },
        replicas(spec, spec.routerReplicas),
      ),
    },
  ];
  if ((spec.httpRouteManagement ?? HttpRouteManagement.Enabled) === HttpRouteManagement.Enabled) objects.push({ resource: Resources.HTTPRoute, object: httpRoute(inputs) });
  return objects;
}

/** Proxy: `/mcp` to the router (the data path). ExtProc: one rule per upstream server
 * (picked by the router's x-mcp-servername), `/mcp` to the broker. Both: the OAuth
 * protected-resource metadata to the broker. */
function httpRoute(inputs: ComponentInputs): KubeObject {
  const { extension, names } = inputs;
  const spec = extension['spec'] as MCPGatewayExtensionSpec;
  const target = extensionTarget(extension);
  return {
    apiVersion: `${GATEWAY_API_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: ownedMetadata(extension, names.route, 'route'),
    spec: {
      parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: target.name, namespace: target.namespace, ...(target.sectionName === undefined ? {} : { sectionName: target.sectionName }) }],
      ...(spec.publicHost === undefined ? {} : { hostnames: [spec.publicHost] }),
      rules: [
        ...(inputs.extProc
          ? [
              ...inputs.extProc.upstreamRules,
              // Calls across protocol eras: the router bridges them on its HTTP face.
              { matches: [{ path: { type: 'Exact', value: '/mcp' }, headers: [{ type: 'Exact', name: ROUTER_FACE_HEADER, value: 'router' }] }], backendRefs: [{ group: '', kind: 'Service', name: names.router, port: ROUTER_HTTP_PORT }] },
              { matches: [{ path: { type: 'Exact', value: '/mcp' } }], backendRefs: [{ group: '', kind: 'Service', name: names.broker, port: BROKER_HTTP_PORT }] },
            ]
          : [{ matches: [{ path: { type: 'Exact', value: '/mcp' } }], backendRefs: [{ group: '', kind: 'Service', name: names.router, port: ROUTER_HTTP_PORT }] }]),
        { matches: [{ path: { type: 'PathPrefix', value: OAUTH_METADATA_PATH } }], backendRefs: [{ group: '', kind: 'Service', name: names.broker, port: BROKER_HTTP_PORT }] },
      ],
    },
  };
}
