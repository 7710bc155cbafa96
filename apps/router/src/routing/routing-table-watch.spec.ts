import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { pino } from 'pino';
import { RoutingTableWatch } from './routing-table-watch';
import { RoutingTableServiceDouble, type SnapshotInput } from '../test-doubles/routing-table-service-double';

const silent = pino({ enabled: false });

function snapshotWithTool(version: number, toolName: string): SnapshotInput {
  return {
    version,
    servers: [{ name: 'alpha', url: 'http://127.0.0.1:9/mcp', prefix: 'a_' }],
    tools: [{ gatewayName: `a_${toolName}`, server: 'alpha', upstreamName: toolName }],
  };
}

async function eventually(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('RoutingTableWatch', () => {
  let broker: RoutingTableServiceDouble;
  let watch: RoutingTableWatch;

  beforeEach(async () => {
    broker = await RoutingTableServiceDouble.start(snapshotWithTool(1, 'one'));
    watch = new RoutingTableWatch({
      address: broker.address,
      routerId: 'router-spec',
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      logger: silent,
    });
  });

  afterEach(async () => {
    await watch.close();
    await broker.stop();
  });

  it('is not ready before the first snapshot and routes from the snapshot once it arrives', async () => {
    expect(watch.hasSnapshot()).toBe(false);
    watch.start();
    await eventually(() => watch.hasSnapshot(), 'first snapshot');
    expect(watch.current().resolveTool('a_one')?.upstreamValue).toBe('one');
    expect(broker.watchers).toEqual(['router-spec']);
  });

  it('swaps in each newer snapshot and ignores an older one on the same stream', async () => {
    watch.start();
    await eventually(() => watch.hasSnapshot(), 'first snapshot');
    broker.publish(snapshotWithTool(2, 'two'));
    await eventually(() => watch.current().version === 2n, 'version 2');
    expect(watch.current().resolveTool('a_one')).toBeUndefined();
    broker.publish(snapshotWithTool(1, 'stale'));
    broker.publish(snapshotWithTool(3, 'three'));
    await eventually(() => watch.current().version === 3n, 'version 3');
    expect(watch.current().resolveTool('a_stale')).toBeUndefined();
    expect(watch.current().resolveTool('a_three')).toBeDefined();
  });

  it('keeps routing with the last table while the broker is away, then follows the restarted broker', async () => {
    watch.start();
    await eventually(() => watch.current().version === 1n, 'first snapshot');
    broker.publish(snapshotWithTool(7, 'seven'));
    await eventually(() => watch.current().version === 7n, 'version 7');

    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.hasSnapshot()).toBe(true);
    expect(watch.current().resolveTool('a_seven')).toBeDefined();

    // A restarted broker counts from 1 again: its first snapshot is the truth.
    await broker.restart(snapshotWithTool(1, 'reborn'));
    await eventually(() => watch.current().resolveTool('a_reborn') !== undefined, 'snapshot of the restarted broker');
    expect(watch.current().resolveTool('a_seven')).toBeUndefined();
    expect(broker.watchers.length).toBeGreaterThanOrEqual(2);
  });
});
