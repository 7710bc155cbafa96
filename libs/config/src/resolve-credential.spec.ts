import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CredentialUnavailableError, parseGatewayConfig, resolveCredential } from './index';
import type { UpstreamServerConfig } from './index';

function serverWith(credentialYaml: string, headersYaml = '{}'): UpstreamServerConfig {
  const config = parseGatewayConfig(`servers:\n  - name: weather\n    url: http://127.0.0.1:9/mcp\n    credential: ${credentialYaml}\n    headers: ${headersYaml}\n`, {});
  const server = config.servers[0];
  if (server === undefined) throw new Error('no server parsed');
  return server;
}

describe('resolveCredential', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'gateway-credential-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('sends an environment variable as the Authorization header by default, next to the static headers', async () => {
    const server = serverWith('{ valueFromEnv: WEATHER_TOKEN }', '{ X-Tenant: blue }');
    expect(await resolveCredential(server, { WEATHER_TOKEN: 'Bearer abc' })).toEqual({ 'X-Tenant': 'blue', Authorization: 'Bearer abc' });
  });

  it('uses the configured header name and an inline value', async () => {
    const server = serverWith('{ header: X-Api-Key, value: k-123 }');
    expect(await resolveCredential(server, {})).toEqual({ 'X-Api-Key': 'k-123' });
  });

  it('reads a credential file on every call, so a rotated secret applies at once', async () => {
    const file = path.join(directory, 'token');
    await writeFile(file, 'Bearer first\n');
    const server = serverWith(`{ valueFromFile: ${JSON.stringify(file)} }`);
    expect(await resolveCredential(server, {})).toEqual({ Authorization: 'Bearer first' });
    await writeFile(file, 'Bearer second');
    expect(await resolveCredential(server, {})).toEqual({ Authorization: 'Bearer second' });
  });

  it('returns only the static headers for a server without a credential', async () => {
    const config = parseGatewayConfig('servers:\n  - { name: open, url: "http://127.0.0.1:9/mcp", headers: { X-A: "1" } }\n', {});
    expect(await resolveCredential(config.servers[0] as UpstreamServerConfig, {})).toEqual({ 'X-A': '1' });
  });

  it('fails with a typed error naming the missing variable', async () => {
    const server = serverWith('{ valueFromEnv: WEATHER_TOKEN }');
    const failure = resolveCredential(server, { WEATHER_TOKEN: '' });
    await expect(failure).rejects.toBeInstanceOf(CredentialUnavailableError);
    await expect(failure).rejects.toMatchObject({
      code: 'CREDENTIAL_UNAVAILABLE',
      server: 'weather',
      source: 'env',
      message: 'credential for server "weather": environment variable WEATHER_TOKEN is not set',
    });
  });

  it('fails with a typed error naming an unreadable file, and never quotes a file it read', async () => {
    const missing = path.join(directory, 'missing');
    await expect(resolveCredential(serverWith(`{ valueFromFile: ${JSON.stringify(missing)} }`), {})).rejects.toMatchObject({
      source: 'file',
      message: `credential for server "weather": cannot read ${missing} (ENOENT)`,
    });
    const twoLines = path.join(directory, 'two-lines');
    await writeFile(twoLines, 'secret-line-one\nsecret-line-two\n');
    const failure = resolveCredential(serverWith(`{ valueFromFile: ${JSON.stringify(twoLines)} }`), {});
    await expect(failure).rejects.toThrow(`credential for server "weather": ${twoLines} must hold one non-empty line`);
    await expect(failure).rejects.not.toThrow(/secret-line/);
  });
});
