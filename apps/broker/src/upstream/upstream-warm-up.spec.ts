// A starting (or restarted) broker must not hand out a half-filled catalog: not ready, and
// no routing table for routers, until every upstream's first connection attempt is over —
// and never held back longer than the bound by an upstream that hangs.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { waitFor } from '@mcp-gateway/testing';
import { BrokerHarness } from '../spec-support/broker-harness';
import { SpecUpstreamServer } from '../spec-support/spec-upstream-server';
import { UpstreamWarmUp } from './upstream-warm-up';

describe('UpstreamWarmUp', () => {
  it('settles once no upstream is on its first attempt, and tells once', () => {
    let told = 0;
    const warmUp = new UpstreamWarmUp({ maxWaitMs: 60_000, onSettled: () => void (told += 1) });
    warmUp.check([{ state: 'ready' }, { state: 'connecting' }]);
    expect([warmUp.settled, told]).toEqual([false, 0]);
    warmUp.check([{ state: 'ready' }, { state: 'failed' }]);
    warmUp.check([{ state: 'ready' }, { state: 'connecting' }]);
    expect([warmUp.settled, told]).toEqual([true, 1]);
    warmUp.close();
  });

  it('settles after maxWaitMs even while an upstream is still connecting', async () => {
    let told = 0;
    const warmUp = new UpstreamWarmUp({ maxWaitMs: 30, onSettled: () => void (told += 1) });
    warmUp.check([{ state: 'connecting' }]);
    await waitFor(() => warmUp.settled, { timeoutMs: 2_000 });
    expect(told).toBe(1);
    warmUp.close();
  });
});

describe('a starting broker', () => {
  let harness: BrokerHarness | undefined;
  let upstream: SpecUpstreamServer | undefined;
  let hanging: Server | undefined;
  const sockets = new Set<Socket>();

  afterEach(async () => {
    await harness?.close();
    await upstream?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (hanging ? hanging.close(() => resolve()) : resolve()));
  });

  it('is not ready and hands routers no routing table until the first connection round is over', async () => {
    upstream = await SpecUpstreamServer.start('quick', { tools: ['hello'] });
    // Accepts connections and never answers: that upstream's first attempt lasts the whole
    // connect timeout (2 s in the harness configuration).
    hanging = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => hanging?.listen(0, '127.0.0.1', () => resolve()));
    const address = hanging.address();
    if (address === null || typeof address === 'string') throw new Error('no address');

    harness = await BrokerHarness.start([
      { name: 'quick', url: upstream.url, prefix: 'q_' },
      { name: 'slow', url: `http://127.0.0.1:${address.port}/mcp`, prefix: 's_' },
    ]);
    const watch = harness.watch();
    await waitFor(async () => {
      const status = (await harness?.getJson('/status'))?.body as { upstreams: Array<{ name: string; state: string }> };
      return status.upstreams.some((row) => row.name === 'quick' && row.state === 'ready');
    }, { what: 'the quick upstream to be connected' });
    // The quick upstream is in, the slow one is still on its first attempt.
    expect((await harness.getJson('/readyz')).status).toBe(503);
    expect(watch.snapshots).toEqual([]);

    await waitFor(async () => (await harness?.getJson('/readyz'))?.status === 200, { timeoutMs: 6_000, what: 'ready after the slow attempt failed' });
    const snapshot = await waitFor(() => watch.latest(), { what: 'the first routing table' });
    expect(snapshot.tools.map((tool) => tool.gateway_name)).toEqual(['q_hello']);
  }, 20_000);
});
