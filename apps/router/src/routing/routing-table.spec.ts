import { describe, it, expect } from '@jest/globals';
import { RoutingTable } from './routing-table';
import type { RoutingTableSnapshot } from './routing-table-snapshot';

const snapshot: RoutingTableSnapshot = {
  version: 3n,
  servers: [
    { name: 'weather', url: 'http://127.0.0.1:1/mcp', prefix: 'weather_', state: 'ready', protocolVersion: '2025-11-25' },
    { name: 'files', url: 'http://127.0.0.1:2/mcp', prefix: '', state: 'ready', protocolVersion: '2025-11-25' },
  ],
  tools: [
    { gatewayName: 'weather_forecast', server: 'weather', upstreamName: 'forecast' },
    { gatewayName: 'read_file', server: 'files', upstreamName: 'read_file' },
    { gatewayName: 'ghost_tool', server: 'not-in-snapshot', upstreamName: 'tool' },
  ],
  prompts: [{ gatewayName: 'weather_summary', server: 'weather', upstreamName: 'summary' }],
  resources: [
    { gatewayUri: 'weather_file:///stations.csv', server: 'weather', upstreamUri: 'file:///stations.csv' },
    { gatewayUri: 'file:///readme.md', server: 'files', upstreamUri: 'file:///readme.md' },
  ],
  resourceTemplates: [
    { gatewayUriTemplate: 'weather_city://{name}/today', server: 'weather', upstreamUriTemplate: 'city://{name}/today' },
    { gatewayUriTemplate: 'file:///{+path}', server: 'files', upstreamUriTemplate: 'file:///{+path}' },
    { gatewayUriTemplate: 'file:///logs/{day}', server: 'weather', upstreamUriTemplate: 'file:///logs/{day}' },
  ],
};

describe('RoutingTable', () => {
  const table = RoutingTable.fromSnapshot(snapshot);

  it('routes a prefixed tool to its server under its upstream name', () => {
    const target = table.resolveTool('weather_forecast');
    expect(target?.server.name).toBe('weather');
    expect(target?.upstreamValue).toBe('forecast');
  });

  it('routes a tool of a server without prefix under the same name', () => {
    expect(table.resolveTool('read_file')).toMatchObject({ server: { name: 'files' }, upstreamValue: 'read_file' });
  });

  it('knows no tool whose server is missing from the snapshot, and no unlisted name', () => {
    expect(table.resolveTool('ghost_tool')).toBeUndefined();
    expect(table.resolveTool('forecast')).toBeUndefined();
  });

  it('routes prompts by gateway name', () => {
    expect(table.resolvePrompt('weather_summary')).toMatchObject({ server: { name: 'weather' }, upstreamValue: 'summary' });
    expect(table.resolvePrompt('summary')).toBeUndefined();
  });

  it('routes an exact resource URI before any template', () => {
    expect(table.resolveResourceUri('weather_file:///stations.csv')).toMatchObject({
      server: { name: 'weather' },
      upstreamValue: 'file:///stations.csv',
    });
  });

  it('routes a URI matching a prefixed template with the prefix stripped', () => {
    expect(table.resolveResourceUri('weather_city://paris/today')).toMatchObject({
      server: { name: 'weather' },
      upstreamValue: 'city://paris/today',
    });
    expect(table.resolveResourceUri('weather_city://paris/tomorrow')).toBeUndefined();
    expect(table.resolveResourceUri('weather_city://a/b/today')).toBeUndefined();
  });

  it('prefers the most specific of two matching templates', () => {
    expect(table.resolveResourceUri('file:///logs/monday')?.server.name).toBe('weather');
    expect(table.resolveResourceUri('file:///src/main.ts')).toMatchObject({
      server: { name: 'files' },
      upstreamValue: 'file:///src/main.ts',
    });
  });

  it('resolves completion references by template text', () => {
    expect(table.resolveResourceTemplate('weather_city://{name}/today')).toMatchObject({
      server: { name: 'weather' },
      upstreamValue: 'city://{name}/today',
    });
  });

  it('an empty table routes nothing and has version 0', () => {
    const empty = RoutingTable.empty();
    expect(empty.version).toBe(0n);
    expect(empty.resolveTool('weather_forecast')).toBeUndefined();
  });
});
