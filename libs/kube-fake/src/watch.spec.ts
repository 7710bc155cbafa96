import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { rawRequest, startClientNodeFixture, type ClientNodeFixture } from './client-node-fixture';

interface Received {
  type: string;
  name: string;
  code?: number;
}

/** Watches through client-node's Watch and collects events until the stream ends. */
async function watch(fx: ClientNodeFixture, path: string, query: Record<string, string | number>) {
  const events: Received[] = [];
  let ended: (error: unknown) => void = () => undefined;
  const done = new Promise<unknown>((resolve) => (ended = resolve));
  const controller = await new k8s.Watch(fx.kubeconfig).watch(
    path,
    query,
    (type, object: { metadata?: { name?: string }; code?: number }) => events.push({ type, name: object.metadata?.name ?? '', ...(object.code === undefined ? {} : { code: object.code }) }),
    (error) => ended(error),
  );
  return { events, done, stop: () => controller.abort() };
}

async function until(probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('fake API server: watch', () => {
  let fx: ClientNodeFixture;
  beforeEach(async () => {
    fx = await startClientNodeFixture({ historyLimit: 50 });
  });
  afterEach(async () => {
    await fx.close();
  });

  it('flushes headers at once, so a watch on an empty collection is established before any event', async () => {
    const started = Date.now();
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', {});
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fx.server.openWatchCount()).toBe(1);
    stream.stop();
  });

  it('streams ADDED, MODIFIED and DELETED after the given resourceVersion, in order', async () => {
    const list = await fx.core.listNamespacedConfigMap({ namespace: 'default' });
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata?.resourceVersion ?? "" });
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w' }, data: { a: '1' } } });
    await fx.core.replaceNamespacedConfigMap({ namespace: 'default', name: 'w', body: { metadata: { name: 'w' }, data: { a: '2' } } });
    await fx.core.deleteNamespacedConfigMap({ namespace: 'default', name: 'w' });
    await until(() => stream.events.length === 3);
    expect(stream.events).toEqual([
      { type: 'ADDED', name: 'w' },
      { type: 'MODIFIED', name: 'w' },
      { type: 'DELETED', name: 'w' },
    ]);
    stream.stop();
  });

  it('replays the changes a client missed when it resumes from an older resourceVersion', async () => {
    const start = (await fx.core.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion ?? "";
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'missed-1' } } });
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'missed-2' } } });
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', { resourceVersion: start });
    await until(() => stream.events.length === 2);
    expect(stream.events.map((event) => event.name)).toEqual(['missed-1', 'missed-2']);
    stream.stop();
  });

  it('starts from the current state as ADDED events when no resourceVersion is given', async () => {
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'existing' } } });
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', {});
    await until(() => stream.events.length === 1);
    expect(stream.events).toEqual([{ type: 'ADDED', name: 'existing' }]);
    stream.stop();
  });

  it('ends a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const old = (await fx.core.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion ?? "";
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' } } });
    fx.server.compactHistory();
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', { resourceVersion: old });
    await stream.done;
    expect(stream.events).toEqual([{ type: 'ERROR', name: '', code: 410 }]);
  });

  it('forgets history beyond its limit, like etcd compaction', async () => {
    const old = (await fx.core.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion ?? "";
    for (let i = 0; i < 60; i += 1) await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `bulk-${i}` } } });
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', { resourceVersion: old });
    await stream.done;
    expect(stream.events[0]).toMatchObject({ type: 'ERROR', code: 410 });
  });

  it('honours timeoutSeconds by ending the stream', async () => {
    const started = Date.now();
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', { timeoutSeconds: 1 });
    await stream.done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fx.server.openWatchCount()).toBe(0);
  });

  it('reports an object leaving or entering a label selector as DELETED or ADDED', async () => {
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'mover', labels: { watched: 'yes' } } } });
    const start = (await fx.core.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion ?? "";
    const stream = await watch(fx, '/api/v1/namespaces/default/configmaps', { resourceVersion: start, labelSelector: 'watched=yes' });
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await fx.core.patchNamespacedConfigMap({ namespace: 'default', name: 'mover', body: { metadata: { labels: { watched: 'no' } } } }, merge);
    await fx.core.patchNamespacedConfigMap({ namespace: 'default', name: 'mover', body: { data: { x: '1' } } }, merge);
    await fx.core.patchNamespacedConfigMap({ namespace: 'default', name: 'mover', body: { metadata: { labels: { watched: 'yes' } } } }, merge);
    await until(() => stream.events.length === 2);
    expect(stream.events).toEqual([
      { type: 'DELETED', name: 'mover' },
      { type: 'ADDED', name: 'mover' },
    ]);
    stream.stop();
  });

  it('serves each watcher the apiVersion it asked for', async () => {
    const response = await fetch(`${fx.server.url}/apis/gateway.networking.k8s.io/v1beta1/namespaces/default/gateways?watch=1&timeoutSeconds=1`);
    await rawRequest(fx.server, 'POST', '/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { gatewayClassName: 'x', listeners: [] } });
    const text = await response.text();
    expect(JSON.parse(text.trim().split('\n')[0] as string)).toMatchObject({ type: 'ADDED', object: { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'Gateway' } });
  });
});

describe('client-node informers against the fake', () => {
  let fx: ClientNodeFixture;
  beforeEach(async () => {
    fx = await startClientNodeFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  function startInformer() {
    const informer = k8s.makeInformer(fx.kubeconfig, '/api/v1/namespaces/default/configmaps', () => fx.core.listNamespacedConfigMap({ namespace: 'default' }));
    const seen = new Set<string>();
    const errors: unknown[] = [];
    let stopped = false;
    informer.on('add', (object) => seen.add(String(object.metadata?.name)));
    informer.on('update', (object) => seen.add(String(object.metadata?.name)));
    // client-node stops an informer on any error but 410; callers restart it (the operator does
    // the same, with backoff).
    informer.on('error', (error) => {
      errors.push(error);
      if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 50);
    });
    return {
      informer,
      seen,
      errors,
      stop: async () => {
        stopped = true;
        await informer.stop();
      },
    };
  }

  it('lists again after a 410 and sees what changed meanwhile', async () => {
    const subject = startInformer();
    await subject.informer.start();
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before' } } });
    await until(() => subject.seen.has('before'));
    fx.server.compactHistory();
    fx.server.closeWatches();
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'during' } } });
    await until(() => subject.seen.has('during'));
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' } } });
    await until(() => subject.seen.has('after'));
    expect(subject.informer.list('default').map((object) => object.metadata?.name).sort()).toEqual(['after', 'before', 'during']);
    await subject.stop();
  });

  it('recovers from an API server restart mid-watch (connections refused meanwhile, history gone) and sees later changes', async () => {
    const subject = startInformer();
    await subject.informer.start();
    await until(() => fx.server.openWatchCount() === 1);
    const restarting = fx.server.restart({ downtimeMs: 200 });
    await restarting;
    await fx.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'post-restart' } } });
    await until(() => subject.seen.has('post-restart'), 5000);
    expect(subject.informer.list('default').map((object) => object.metadata?.name)).toEqual(['post-restart']);
    await subject.stop();
  });
});
