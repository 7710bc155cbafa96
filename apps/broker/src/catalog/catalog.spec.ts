import { describe, expect, it } from '@jest/globals';
import { Catalog, buildCatalog } from './catalog';
import type { UpstreamSource } from '../upstream/upstream-pool';
import type { UpstreamListing } from '../upstream/upstream-listing';

function listing(partial: { tools?: string[]; prompts?: string[]; resources?: string[]; templates?: string[] }): UpstreamListing {
  return {
    tools: (partial.tools ?? []).map((name) => ({ name, description: `about ${name}` })),
    prompts: (partial.prompts ?? []).map((name) => ({ name })),
    resources: (partial.resources ?? []).map((uri) => ({ uri, name: uri })),
    resourceTemplates: (partial.templates ?? []).map((uriTemplate) => ({ uriTemplate, name: uriTemplate })),
  };
}

function source(name: string, prefix: string, content: Parameters<typeof listing>[0], state: UpstreamSource['state'] = 'ready'): UpstreamSource {
  return { server: { name, url: `http://127.0.0.1:1/${name}`, prefix }, state, protocolVersion: '2025-11-25', listing: listing(content) };
}

describe('buildCatalog', () => {
  it('prefixes tool and prompt names, and leaves a server without prefix unchanged', () => {
    const built = buildCatalog([source('weather', 'wx_', { tools: ['forecast'], prompts: ['brief'] }), source('plain', '', { tools: ['echo'] })]);
    expect(built.tools.map((entry) => [entry.gatewayKey, entry.server, entry.upstreamKey])).toEqual([
      ['wx_forecast', 'weather', 'forecast'],
      ['echo', 'plain', 'echo'],
    ]);
    expect(built.tools[0]?.definition).toEqual({ name: 'wx_forecast', description: 'about forecast' });
    expect(built.prompts.map((entry) => entry.gatewayKey)).toEqual(['wx_brief']);
  });

  it('rewrites resource URIs and templates to prefix + uri, reversibly', () => {
    const built = buildCatalog([source('files', 'fs_', { resources: ['file:///a.txt'], templates: ['file:///{path}'] })]);
    expect(built.resources[0]).toMatchObject({ gatewayKey: 'fs_file:///a.txt', upstreamKey: 'file:///a.txt', definition: { uri: 'fs_file:///a.txt' } });
    expect(built.resourceTemplates[0]).toMatchObject({ gatewayKey: 'fs_file:///{path}', upstreamKey: 'file:///{path}' });
    const entry = built.resources[0];
    expect(entry?.gatewayKey.slice('fs_'.length)).toBe(entry?.upstreamKey);
  });

  it('gives a conflicting name to the server listed first in the configuration and reports the conflict', () => {
    const built = buildCatalog([source('first', '', { tools: ['search', 'a'] }), source('second', '', { tools: ['search', 'b'] })]);
    expect(built.tools.map((entry) => `${entry.server}:${entry.gatewayKey}`)).toEqual(['first:search', 'first:a', 'second:b']);
    expect(built.conflicts).toEqual([{ kind: 'tool', gatewayKey: 'search', keptServer: 'first', droppedServer: 'second' }]);
  });

  it('resolves conflicts by configuration order, not by which server connected first', () => {
    const laterConnected = buildCatalog([source('first', '', { tools: ['search'] }), source('second', '', { tools: ['search'] })]);
    const reversedConfig = buildCatalog([source('second', '', { tools: ['search'] }), source('first', '', { tools: ['search'] })]);
    expect(laterConnected.tools[0]?.server).toBe('first');
    expect(reversedConfig.tools[0]?.server).toBe('second');
  });

  it('never renames an existing tool when a server is added', () => {
    const before = buildCatalog([source('a', 'a_', { tools: ['x', 'y'] })]);
    const after = buildCatalog([source('a', 'a_', { tools: ['x', 'y'] }), source('b', '', { tools: ['a_x', 'z'] })]);
    const names = (catalog: typeof before) => catalog.tools.filter((entry) => entry.server === 'a').map((entry) => entry.gatewayKey);
    expect(names(after)).toEqual(names(before));
    expect(after.tools.map((entry) => entry.gatewayKey)).toEqual(['a_x', 'a_y', 'z']);
  });

  it('leaves out the entries of upstreams that are not ready but still lists the servers', () => {
    const built = buildCatalog([source('up', '', { tools: ['t'] }), source('down', 'd_', { tools: ['u'] }, 'failed')]);
    expect(built.tools.map((entry) => entry.gatewayKey)).toEqual(['t']);
    expect(built.servers.map((server) => [server.name, server.state])).toEqual([
      ['up', 'ready'],
      ['down', 'failed'],
    ]);
  });

  it('strips user-info credentials from server URLs', () => {
    const built = buildCatalog([{ ...source('s', '', {}), server: { name: 's', url: 'http://user:hunter2@127.0.0.1:9/mcp', prefix: '' } }]);
    expect(built.servers[0]?.url).toBe('http://127.0.0.1:9/mcp');
  });
});

describe('Catalog', () => {
  it('bumps the version and names the changed families only when something changed', () => {
    const catalog = new Catalog();
    const changes: string[][] = [];
    catalog.onChange((change) => changes.push([...change.changedFamilies]));
    const first = catalog.update([source('a', '', { tools: ['t'], prompts: ['p'] })]);
    expect(first?.snapshot.version).toBe(1);
    expect(catalog.update([source('a', '', { tools: ['t'], prompts: ['p'] })])).toBeUndefined();
    const second = catalog.update([source('a', '', { tools: ['t', 'u'], prompts: ['p'] })]);
    expect(second?.snapshot.version).toBe(2);
    expect(changes).toEqual([['tools', 'prompts'], ['tools']]);
  });

  it('publishes a new version when only a server state changed (routers need it)', () => {
    const catalog = new Catalog();
    catalog.update([source('a', '', {}, 'connecting')]);
    const change = catalog.update([source('a', '', {}, 'failed')]);
    expect(change?.snapshot.version).toBe(2);
    expect([...(change?.changedFamilies ?? [])]).toEqual([]);
  });
});
