import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/kube-object';
import { DEFAULT_COMPONENT_IMAGES } from './component-images';
import { componentNames } from './component-names';
import { extensionComponents } from './extension-components';

const extension = (spec: Record<string, unknown>, name = 'gw'): KubeObject => ({
  apiVersion: 'mcp.kuadrant.io/v1',
  kind: 'MCPGatewayExtension',
  metadata: { name, namespace: 'ns', uid: 'uid-1' },
  spec: { targetRef: { name: 'edge' }, ...spec },
});

function deployments(spec: Record<string, unknown>) {
  const ext = extension(spec);
  return extensionComponents({ extension: ext, names: componentNames('gw'), images: DEFAULT_COMPONENT_IMAGES, sessionStoreFingerprint: undefined })
    .filter((desired) => desired.resource.kind === 'Deployment')
    .map((desired) => desired.object['spec'] as { replicas?: number; template: { spec: { containers: Array<{ args?: string[]; command?: string[] }> } } });
}

describe('extension components', () => {
  it('runs exactly one replica of each without a session store: sessions live in process memory', () => {
    expect(deployments({ brokerReplicas: 1 }).map((spec) => spec.replicas)).toEqual([1, 1]);
  });

  it('leaves the replica count out with a session store and no count in the spec, so a user or an HPA owns it', () => {
    expect(deployments({ sessionStore: { secretName: 'redis' } }).map((spec) => 'replicas' in spec)).toEqual([false, false]);
    expect(deployments({ sessionStore: { secretName: 'redis' }, brokerReplicas: 3, routerReplicas: 2 }).map((spec) => spec.replicas)).toEqual([3, 2]);
  });

  it('never sets command or args, leaving flags to the image and the user', () => {
    for (const spec of deployments({})) expect(spec.template.spec.containers.map((container) => [container.command, container.args])).toEqual([[undefined, undefined]]);
  });

  it('creates the HTTPRoute only when route management is enabled', () => {
    const kinds = (spec: Record<string, unknown>) => extensionComponents({ extension: extension(spec), names: componentNames('gw'), images: DEFAULT_COMPONENT_IMAGES, sessionStoreFingerprint: undefined }).map((desired) => desired.resource.kind);
    expect(kinds({})).toContain('HTTPRoute');
    expect(kinds({ httpRouteManagement: 'Disabled' })).not.toContain('HTTPRoute');
  });

  it('keeps Service names valid DNS labels, and distinct, for long extension names', () => {
    const long = 'a'.repeat(60);
    const names = componentNames(long);
    expect(Object.values(names).every((name) => name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))).toBe(true);
    expect(componentNames(`${long}-x`).broker).not.toBe(names.broker);
  });
});
