import { afterEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@mcp-gateway/testing';
import { buildCatalog } from '../catalog/catalog';
import { captureLog } from '../spec-support/captured-log';
import { watchRoutingTable } from '../spec-support/routing-watch-client';
import type { RoutingWatch } from '../spec-support/routing-watch-client';
import { findRoutingProto } from './routing-proto';
import { RoutingTableService } from './routing-table-service';
import { toRoutingTableSnapshot } from './routing-table-snapshot';

function snapshot(version: number, tools: string[]) {
  return toRoutingTableSnapshot({
    version,
    ...buildCatalog([
      {
        server: { name: 'files', url: 'http://127.0.0.1:7/mcp', prefix: 'fs_' },
        state: 'ready',
        protocolVersion: '2025-11-25',
        listing: {
          tools: tools.map((name) => ({ name })),
          prompts: [{ name: 'summarize' }],
          resources: [{ uri: 'file:///a' }],
          resourceTemplates: [{ uriTemplate: 'file:///{path}' }],
        },
      },
    ]),
  });
}

let service: RoutingTableService | undefined;
const watches: RoutingWatch[] = [];
afterEach(async () => {
  for (const watch of watches.splice(0)) watch.close();
  await service?.close();
  service = undefined;
});

describe('RoutingTableService', () => {
  it('sends the current snapshot at once to a new watcher, then every published one', async () => {
    service = await RoutingTableService.start({ host: '127.0.0.1', port: 0, logger: captureLog().logger, initialSnapshot: snapshot(3, ['read']) });
    const watch = watchRoutingTable(`127.0.0.1:${service.port}`);
    watches.push(watch);
    const first = await waitFor(() => watch.latest(), { timeoutMs: 5_000, what: 'first snapshot' });
    expect(first.version).toBe('3');
    expect(first.tools).toEqual([{ gateway_name: 'fs_read', server: 'files', upstream_name: 'read' }]);
    expect(first.prompts).toEqual([{ gateway_name: 'fs_summarize', server: 'files', upstream_name: 'summarize' }]);
    expect(first.resources).toEqual([{ gateway_uri: 'fs_file:///a', server: 'files', upstream_uri: 'file:///a' }]);
    expect(first.resource_templates).toEqual([{ gateway_uri_template: 'fs_file:///{path}', server: 'files', upstream_uri_template: 'file:///{path}' }]);
    expect(first.servers).toEqual([{ name: 'files', url: 'http://127.0.0.1:7/mcp', prefix: 'fs_', state: 'ready', protocol_version: '2025-11-25' }]);

    service.publish(snapshot(4, ['read', 'write']));
    const second = await waitFor(() => (watch.snapshots.length >= 2 ? watch.latest() : undefined), { timeoutMs: 5_000, what: 'second snapshot' });
    expect(second.version).toBe('4');
    expect(second.tools.map((tool) => tool.gateway_name)).toEqual(['fs_read', 'fs_write']);
  });

  it('tracks who watches, and forgets a router that hung up', async () => {
    service = await RoutingTableService.start({ host: '127.0.0.1', port: 0, logger: captureLog().logger, initialSnapshot: snapshot(1, []) });
    const watch = watchRoutingTable(`127.0.0.1:${service.port}`, 'router-a');
    await waitFor(() => watch.latest(), { timeoutMs: 5_000, what: 'first snapshot' });
    expect(service.currentWatchers().map((watcher) => watcher.routerId)).toEqual(['router-a']);
    watch.close();
    const running = service;
    await waitFor(() => (running.currentWatchers().length === 0 ? true : undefined), { timeoutMs: 5_000, what: 'watcher gone' });
  });

  it('finds the proto from the source tree and from the bundle location', () => {
    expect(findRoutingProto()).toMatch(/protos[/\\]mcpgateway[/\\]v1[/\\]routing\.proto$/);
    const repoRoot = findRoutingProto().replace(/protos[/\\]mcpgateway[/\\]v1[/\\]routing\.proto$/, '');
    expect(findRoutingProto(`${repoRoot}dist/apps/broker`)).toBe(findRoutingProto());
  });
});
