import { describe, expect, it } from '@jest/globals';
import { parseGatewayConfig } from '@mcp-gateway/config';
import type { KubeObject } from '../kube/kube-object';
import type { GatewayServerSet } from '../server-registration/gateway-server-set';
import { componentNames } from './component-names';
import { renderGatewayConfig } from './gateway-config-rendering';

const extension = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'gw', namespace: 'ns' }, spec: { targetRef: { name: 'edge' }, ...spec } });
const registration: KubeObject = { metadata: { name: 'weather', namespace: 'team' } };
const serverSet = (credentialValue: string | undefined): GatewayServerSet => ({
  servers: [{ serverName: 'team-weather', credentialKey: 'team.weather', resolution: { ok: true, registration, route: registration, url: 'http://weather.team.svc.cluster.local:8080/mcp', prefix: 'w_', enabled: true, credentialValue } }],
  prefixConflicts: new Map(),
});

describe('gateway config rendering', () => {
  it('renders a file the gateway parses, with the extension settings in gateway units', () => {
    const { yaml } = renderGatewayConfig(extension({ backendPingIntervalSeconds: 30, logLevel: 'warn', publicHost: 'mcp.example.com' }), serverSet(undefined), [{ name: 'mcp', hostname: 'listener.example.com' }], componentNames('gw'));
    const config = parseGatewayConfig(yaml, {});
    expect(config.broker.pingIntervalMs).toBe(30_000);
    expect(config.logLevel).toBe('warn');
    expect(config.security.allowedHosts).toEqual(expect.arrayContaining(['mcp.example.com', 'listener.example.com', 'gw-router.ns.svc.cluster.local', '127.0.0.1']));
    expect(config.servers).toEqual([{ name: 'team-weather', url: 'http://weather.team.svc.cluster.local:8080/mcp', prefix: 'w_', enabled: true, headers: {} }]);
  });

  it('refers to a credential by file path and never writes its value', () => {
    const { yaml } = renderGatewayConfig(extension({}), serverSet(Buffer.from('Bearer hush').toString('base64')), [], componentNames('gw'));
    expect(parseGatewayConfig(yaml, {}).servers[0]?.credential).toEqual({ header: 'Authorization', valueFromFile: '/var/run/mcp-gateway/credentials/team.weather' });
    expect(yaml).not.toContain('hush');
    expect(yaml).not.toContain(Buffer.from('Bearer hush').toString('base64'));
  });

  it('leaves a wildcard public host out of the Host allow-list, which takes host names only', () => {
    const { file } = renderGatewayConfig(extension({ publicHost: '*.apps.example.com' }), { servers: [], prefixConflicts: new Map() }, [], componentNames('gw'));
    expect(file.security?.allowedHosts).not.toContain('*.apps.example.com');
  });
});
