import { describe, it, expect, afterEach } from '@jest/globals';
import { parseGatewayConfig } from '@mcp-gateway/config';
import { pino } from 'pino';
import { UpstreamEndpoints } from './upstream-endpoints';

const logger = pino({ enabled: false });

function servers(yaml: string) {
  return parseGatewayConfig(yaml, {}).servers;
}

describe('UpstreamEndpoints', () => {
  let endpoints: UpstreamEndpoints;
  afterEach(async () => endpoints.close());

  it('takes URL, static headers and credential from this process\'s config, resolved ahead of time', async () => {
    endpoints = new UpstreamEndpoints({ logger, credentialRefreshMs: 0, env: { WEATHER_TOKEN: 'Bearer from-env' } });
    await endpoints.configure(
      servers(
        'servers:\n  - name: weather\n    url: http://127.0.0.1:7001/mcp\n    credential: { valueFromEnv: WEATHER_TOKEN }\n    headers: { X-Tenant: blue }\n',
      ),
    );
    const endpoint = endpoints.endpoint('weather', 'http://elsewhere.example/mcp');
    expect(endpoint?.url.href).toBe('http://127.0.0.1:7001/mcp');
    expect(endpoint?.headers).toEqual({ Authorization: 'Bearer from-env', 'X-Tenant': 'blue' });
    // One agent per upstream, reused.
    expect(endpoints.endpoint('weather', undefined)).toBe(endpoint);
  });

  it('reaches a server only the routing table knows at the table\'s URL, without credentials', async () => {
    endpoints = new UpstreamEndpoints({ logger, credentialRefreshMs: 0 });
    await endpoints.configure([]);
    expect(endpoints.endpoint('newcomer', 'http://127.0.0.1:7002/mcp')).toMatchObject({ headers: {}, url: new URL('http://127.0.0.1:7002/mcp') });
    expect(endpoints.endpoint('nobody', undefined)).toBeUndefined();
  });

  it('follows a reloaded config: new URL and credential, disabled servers dropped', async () => {
    endpoints = new UpstreamEndpoints({ logger, credentialRefreshMs: 0 });
    await endpoints.configure(servers('servers:\n  - name: weather\n    url: http://127.0.0.1:7001/mcp\n    credential: { value: old }\n'));
    const before = endpoints.endpoint('weather', undefined);
    await endpoints.configure(
      servers('servers:\n  - name: weather\n    url: http://127.0.0.1:7003/mcp\n    credential: { value: new }\n  - name: off\n    url: http://127.0.0.1:7004/mcp\n    enabled: false\n'),
    );
    const after = endpoints.endpoint('weather', undefined);
    expect(after).not.toBe(before);
    expect(after?.url.port).toBe('7003');
    expect(after?.headers).toEqual({ Authorization: 'new' });
    expect(endpoints.endpoint('off', undefined)).toBeUndefined();
  });
});
