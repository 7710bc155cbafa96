import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { failureOf, rawRequest, startClientNodeFixture, type ClientNodeFixture } from './client-node-fixture';

const widgetSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 10 },
        color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
        prefix: { type: 'string', pattern: '^[a-z]*$', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'prefix is immutable' }] },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } },
        },
      },
      'x-kubernetes-validations': [{ rule: "!has(self.prefix) || self.size > 1 || self.prefix == ''", message: 'a prefixed widget needs size > 1' }],
    },
    status: {
      type: 'object',
      properties: { ready: { type: 'boolean' }, conditions: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
    },
  },
};

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wd'], listKind: 'WidgetList' },
    versions: ['v1alpha1', 'v1'].map((name) => ({
      name,
      served: true,
      storage: name === 'v1',
      schema: { openAPIV3Schema: widgetSchema },
      subresources: { status: {} },
      additionalPrinterColumns: [
        { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      ],
    })),
  },
};

interface Widget {
  apiVersion: string;
  kind: string;
  metadata: { name: string; generation?: number; resourceVersion?: string };
  spec: { size: number; color?: string; prefix?: string; ports?: Array<{ name: string; port?: number }>; extra?: string };
  status?: Record<string, unknown>;
}

describe('fake API server: custom resources from an installed CRD', () => {
  let fx: ClientNodeFixture;
  const widgets = (version = 'v1') => `/apis/example.com/${version}/namespaces/default/widgets`;

  beforeAll(async () => {
    fx = await startClientNodeFixture();
    const installed = await rawRequest(fx.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd);
    expect(installed.status).toBe(201);
  });
  afterAll(async () => {
    await fx.close();
  });

  it('serves the new kind in discovery once the CRD is installed, and reports it Established', async () => {
    const resources = await rawRequest(fx.server, 'GET', '/apis/example.com/v1');
    expect(resources.body['resources']).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'widgets', kind: 'Widget', shortNames: ['wd'] }), expect.objectContaining({ name: 'widgets/status' })]));
    const group = await rawRequest(fx.server, 'GET', '/apis/example.com');
    expect(group.body['preferredVersion']).toEqual({ groupVersion: 'example.com/v1', version: 'v1' });
    const crd = await rawRequest(fx.server, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    expect((crd.body['status'] as { conditions: Array<{ type: string; status: string }> }).conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]));
  });

  it('applies schema defaults, prunes unknown fields with a warning, and stamps generation 1', async () => {
    const created = await rawRequest(fx.server, 'POST', widgets(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'plain' }, spec: { size: 2, extra: 'dropped', ports: [{ name: 'http' }] } });
    expect(created.status).toBe(201);
    const widget = created.body as unknown as Widget;
    expect(widget.spec).toEqual({ size: 2, color: 'red', ports: [{ name: 'http', port: 80 }] });
    expect(widget.metadata.generation).toBe(1);
    expect(created.headers.get('warning')).toContain('unknown field \\"spec.extra\\"');
  });

  it('rejects an invalid object with 422 and one cause per broken field', async () => {
    const rejected = await rawRequest(fx.server, 'POST', widgets(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'broken' }, spec: { size: 11, color: 'green', prefix: 'Up' } });
    expect(rejected.status).toBe(422);
    expect(rejected.body).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { name: 'broken', group: 'example.com', kind: 'Widget' } });
    const causes = (rejected.body['details'] as { causes: Array<{ field: string; message: string }> }).causes;
    expect(causes.map((cause) => cause.field).sort()).toEqual(['spec.color', 'spec.prefix', 'spec.size']);
    expect(causes.find((cause) => cause.field === 'spec.color')?.message).toBe('Unsupported value: "green": supported values: "red", "blue"');
    const missing = await rawRequest(fx.server, 'POST', widgets(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'empty' }, spec: {} });
    expect((missing.body['details'] as { causes: Array<{ field: string; message: string }> }).causes).toEqual([expect.objectContaining({ field: 'spec.size', message: 'Required value' })]);
  });

  it('enforces CEL rules, including self == oldSelf immutability on update only', async () => {
    const crossField = await rawRequest(fx.server, 'POST', widgets(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'tiny' }, spec: { size: 1, prefix: 'a' } });
    expect(crossField.status).toBe(422);
    expect(crossField.body['message']).toContain('a prefixed widget needs size > 1');
    const created = await rawRequest(fx.server, 'POST', widgets(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'fixed' }, spec: { size: 3, prefix: 'abc' } });
    expect(created.status).toBe(201);
    const changed = await rawRequest(fx.server, 'PATCH', `${widgets()}/fixed`, { spec: { prefix: 'xyz' } }, 'application/merge-patch+json');
    expect(changed.status).toBe(422);
    expect(changed.body['message']).toBe('Widget.example.com "fixed" is invalid: spec.prefix: Invalid value: "string": prefix is immutable');
    const unchanged = await rawRequest(fx.server, 'PATCH', `${widgets()}/fixed`, { spec: { size: 4 } }, 'application/merge-patch+json');
    expect(unchanged.status).toBe(200);
    expect((unchanged.body as unknown as Widget).metadata.generation).toBe(2);
  });

  it('serves every version from one storage, changing only apiVersion', async () => {
    const created = await rawRequest(fx.server, 'POST', widgets('v1alpha1'), { apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'old-style' }, spec: { size: 5 } });
    expect(created.body['apiVersion']).toBe('example.com/v1alpha1');
    const asV1 = await fx.custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'old-style' });
    expect(asV1).toMatchObject({ apiVersion: 'example.com/v1', spec: { size: 5, color: 'red' } });
    const list = await fx.custom.listNamespacedCustomObject({ group: 'example.com', version: 'v1alpha1', namespace: 'default', plural: 'widgets' });
    expect((list as { items: Widget[] }).items.every((item) => item.apiVersion === 'example.com/v1alpha1' && item.kind === 'Widget')).toBe(true);
  });

  it('keeps status apart: the main resource ignores status, /status ignores spec and leaves generation alone', async () => {
    await rawRequest(fx.server, 'POST', widgets(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'stateful' }, spec: { size: 2 }, status: { ready: true } });
    const read = (await fx.custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'stateful' })) as Widget;
    expect(read.status).toBeUndefined();
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const patched = (await fx.custom.patchNamespacedCustomObjectStatus(
      { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'stateful', body: { spec: { size: 9 }, status: { ready: true } } },
      merge,
    )) as Widget;
    expect(patched.status).toEqual({ ready: true });
    expect(patched.spec.size).toBe(2);
    expect(patched.metadata.generation).toBe(1);
  });

  it('refuses a strategic merge patch on a custom resource with 415, as the real server does', async () => {
    const refused = await rawRequest(fx.server, 'PATCH', `${widgets()}/plain`, { spec: { size: 3 } }, 'application/strategic-merge-patch+json');
    expect(refused.status).toBe(415);
  });

  it('requires a resourceVersion to replace a custom resource', async () => {
    const read = (await fx.custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'plain' })) as Widget;
    const { resourceVersion: _rv, ...metadata } = read.metadata;
    const status = await failureOf(() => fx.custom.replaceNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'plain', body: { ...read, metadata } }));
    expect(status).toMatchObject({ code: 422 });
    expect(status.message).toContain('metadata.resourceVersion');
  });

  it('prints the CRD printer columns as a Table for kubectl', async () => {
    await fx.custom.patchNamespacedCustomObjectStatus(
      { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'plain', body: { status: { conditions: [{ type: 'Ready', status: 'True' }] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const response = await fetch(`${fx.server.url}${widgets()}`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    const table = (await response.json()) as { kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((column) => column.name)).toEqual(['Name', 'Size', 'Ready']);
    expect(table.rows.find((row) => row.cells[0] === 'plain')?.cells).toEqual(['plain', 2, 'True']);
  });

  it('refuses a CRD whose CEL rule it cannot compile, naming the rule', async () => {
    const crd = structuredClone(widgetCrd);
    crd.metadata.name = 'gadgets.example.com';
    Object.assign(crd.spec.names, { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', shortNames: [], listKind: 'GadgetList' });
    ((crd.spec.versions[0] as (typeof crd.spec.versions)[number]).schema.openAPIV3Schema.properties.spec as Record<string, unknown>)['x-kubernetes-validations'] = [{ rule: 'self.size ~ 2' }];
    const refused = await rawRequest(fx.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    expect(refused.status).toBe(422);
    expect(refused.body['message']).toContain('self.size ~ 2');
  });

  it('stops serving the kind and drops its objects when the CRD is deleted', async () => {
    const crd = structuredClone(widgetCrd);
    crd.metadata.name = 'gizmos.example.com';
    Object.assign(crd.spec.names, { kind: 'Gizmo', plural: 'gizmos', singular: 'gizmo', shortNames: [], listKind: 'GizmoList' });
    await rawRequest(fx.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    await rawRequest(fx.server, 'POST', '/apis/example.com/v1/namespaces/default/gizmos', { apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g' }, spec: { size: 2 } });
    await rawRequest(fx.server, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.example.com');
    expect((await rawRequest(fx.server, 'GET', '/apis/example.com/v1/namespaces/default/gizmos')).status).toBe(404);
  });
});
