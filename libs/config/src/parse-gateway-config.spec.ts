import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadGatewayConfig, parseGatewayConfig } from './index';

const MINIMAL = `
servers:
  - name: everything
    url: http://127.0.0.1:3001/mcp
    prefix: ev_
`;

function issuesOf(yamlText: string, env: NodeJS.ProcessEnv = {}): ReadonlyArray<{ path: string; message: string }> {
  try {
    parseGatewayConfig(yamlText, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('parseGatewayConfig', () => {
  it('accepts the minimal file and fills in every default', () => {
    expect(parseGatewayConfig(MINIMAL, {})).toEqual({
      servers: [{ name: 'everything', url: 'http://127.0.0.1:3001/mcp', prefix: 'ev_', enabled: true, headers: {} }],
      sessionStore: { keyPrefix: 'mcpgw:' },
      session: { idleTtlMs: 1_800_000, maxLifetimeMs: 86_400_000 },
      limits: { maxRequestBodyBytes: 4_194_304 },
      timeouts: { upstreamConnectMs: 5_000, upstreamRequestMs: 600_000 },
      broker: { pingIntervalMs: 60_000, listChangedDebounceMs: 250, reconnect: { initialDelayMs: 500, maxDelayMs: 30_000 } },
      security: { allowedHosts: ['127.0.0.1', 'localhost', '[::1]'], allowedOrigins: [] },
      logLevel: 'info',
    });
  });

  it('accepts a file that sets every field', () => {
    const config = parseGatewayConfig(
      `
servers:
  - name: weather
    url: https://weather.internal/mcp
    prefix: weather_
    enabled: false
    credential: { header: X-Api-Key, valueFromEnv: WEATHER_KEY }
    headers: { X-Tenant: blue }
  - name: files
    url: http://files:8080/mcp
sessionStore: { url: "redis://redis:6379/0", keyPrefix: "gw1:" }
session: { idleTtlMs: 60000, maxLifetimeMs: 3600000, signingSecret: "0123456789abcdef0123456789abcdef" }
limits: { maxRequestBodyBytes: 1048576 }
timeouts: { upstreamConnectMs: 1000, upstreamRequestMs: 20000 }
broker: { pingIntervalMs: 5000, listChangedDebounceMs: 0, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } }
security: { allowedHosts: ["mcp.example.com", "mcp.example.com:8443", "[::1]:9000"], allowedOrigins: ["https://app.example.com"] }
logLevel: debug
`,
      {},
    );
    expect(config.servers[0]).toEqual({
      name: 'weather',
      url: 'https://weather.internal/mcp',
      prefix: 'weather_',
      enabled: false,
      credential: { header: 'X-Api-Key', valueFromEnv: 'WEATHER_KEY' },
      headers: { 'X-Tenant': 'blue' },
    });
    expect(config.servers[1]?.prefix).toBe('');
    expect(config.sessionStore).toEqual({ url: 'redis://redis:6379/0', keyPrefix: 'gw1:' });
    expect(config.broker.reconnect).toEqual({ initialDelayMs: 100, maxDelayMs: 1000 });
    expect(config.logLevel).toBe('debug');
  });

  it('returns a deeply frozen snapshot', () => {
    const config = parseGatewayConfig(MINIMAL, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.servers)).toBe(true);
    expect(Object.isFrozen(config.servers[0]?.headers)).toBe(true);
    expect(Object.isFrozen(config.broker.reconnect)).toBe(true);
    expect(() => {
      (config.servers as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('names the field path of a bad upstream URL', () => {
    const issues = issuesOf(`
servers:
  - { name: a, url: http://a/mcp }
  - { name: b, url: ftp://b/mcp }
`);
    expect(issues).toEqual([{ path: 'servers[1].url', message: 'must be an http(s) URL' }]);
  });

  it('reports every problem of a file at once, each with its path', () => {
    const issues = issuesOf(`
servers:
  - name: Everything
    url: not a url
    prefx: ev_
  - name: b
    url: http://b/mcp
    prefix: Bad!
    enabled: "yes"
  - url: http://c/mcp
session: { idleTtlMs: 1.5 }
limits: { maxRequestBodyBytes: 10 }
logLevel: verbose
colour: blue
`);
    expect(issues).toEqual([
      { path: 'servers[0].name', message: 'must be lower-case letters, digits and "-", starting with a letter or digit' },
      { path: 'servers[0].url', message: 'must be an http(s) URL' },
      { path: 'servers[0].prefx', message: 'unknown field (known fields: name, url, prefix, enabled, credential, headers)' },
      { path: 'servers[1].prefix', message: 'must be lower-case letters, digits, "_" and "-" only' },
      { path: 'servers[1].enabled', message: 'must be true or false (got a string)' },
      { path: 'servers[2].name', message: 'is required' },
      { path: 'session.idleTtlMs', message: 'must be a whole number (got a fractional number)' },
      { path: 'limits.maxRequestBodyBytes', message: 'must be at least 1024' },
      { path: 'logLevel', message: 'must be one of trace, debug, info, warn, error' },
      { path: 'colour', message: 'unknown field (known fields: servers, sessionStore, session, limits, timeouts, broker, security, logLevel)' },
    ]);
  });

  it('puts the whole list in the error message, one problem a line', () => {
    expect(() => parseGatewayConfig('servers: [{ name: a, url: x }]\nlogLevel: loud\n', {})).toThrow(
      'invalid gateway configuration (2 problems):\n  - servers[0].url: must be an http(s) URL\n  - logLevel: must be one of trace, debug, info, warn, error',
    );
  });

  it('rejects duplicate server names and duplicate non-empty prefixes, but allows several empty prefixes', () => {
    const issues = issuesOf(`
servers:
  - { name: a, url: http://a/mcp, prefix: x_ }
  - { name: b, url: http://b/mcp, prefix: x_ }
  - { name: a, url: http://c/mcp }
  - { name: d, url: http://d/mcp }
`);
    expect(issues).toEqual([
      { path: 'servers[1].prefix', message: 'duplicates the prefix of servers[0] ("x_"); non-empty prefixes must be unique' },
      { path: 'servers[2].name', message: 'duplicates the name of servers[0] ("a"); server names must be unique' },
    ]);
  });

  it('reports cross-field problems together with field problems', () => {
    const issues = issuesOf(`
servers:
  - { name: a, url: http://a/mcp }
  - { name: a, url: 12 }
session: { idleTtlMs: 60000, maxLifetimeMs: 30000 }
broker: { reconnect: { initialDelayMs: 5000, maxDelayMs: 1000 } }
`);
    expect(issues).toEqual([
      { path: 'servers[1].url', message: 'must be a string (got a whole number)' },
      { path: 'servers[1].name', message: 'duplicates the name of servers[0] ("a"); server names must be unique' },
      { path: 'session.maxLifetimeMs', message: 'must be at least session.idleTtlMs (60000)' },
      { path: 'broker.reconnect.maxDelayMs', message: 'must be at least broker.reconnect.initialDelayMs (5000)' },
    ]);
  });

  it('requires exactly one credential source and refuses headers the gateway sets itself', () => {
    const issues = issuesOf(`
servers:
  - name: a
    url: http://a/mcp
    credential: { valueFromEnv: A_TOKEN, value: "Bearer x" }
    headers: { Mcp-Session-Id: abc, "Bad Header": x, X-Ok: "line\\nbreak" }
  - name: b
    url: http://b/mcp
    credential: { header: x-key }
  - name: c
    url: http://c/mcp
    credential: { valueFromFile: /run/secrets/c }
    headers: { X-Key: one, x-key: two, authorization: three }
`);
    expect(issues).toEqual([
      { path: 'servers[0].credential', message: 'set exactly one of valueFromEnv, valueFromFile, value' },
      { path: 'servers[0].headers.Mcp-Session-Id', message: 'name is set by the gateway and cannot be configured' },
      { path: 'servers[0].headers["Bad Header"]', message: "name must be a valid HTTP header name (letters, digits and !#$%&'*+.^_`|~-)" },
      { path: 'servers[0].headers.X-Ok', message: 'must not contain line breaks or control characters' },
      { path: 'servers[1].credential', message: 'set exactly one of valueFromEnv, valueFromFile, value' },
      { path: 'servers[2].headers.x-key', message: 'is the same header as "X-Key" (header names ignore case)' },
      { path: 'servers[2].headers.authorization', message: 'is the credential header of this server; set it through credential only' },
    ]);
  });

  it('validates session store, security and secret fields', () => {
    const issues = issuesOf(`
servers: []
sessionStore: { url: "http://redis:6379", keyPrefix: "" }
session: { signingSecret: too-short-secret-value }
security: { allowedHosts: ["https://mcp.example.com"], allowedOrigins: ["https://app.example.com/path", "*"] }
`);
    expect(issues).toEqual([
      { path: 'sessionStore.url', message: 'must be a redis:// or rediss:// URL' },
      { path: 'sessionStore.keyPrefix', message: 'must not be empty' },
      { path: 'session.signingSecret', message: 'must be at least 32 characters long' },
      { path: 'security.allowedHosts[0]', message: 'must be a host name or IP literal with an optional :port (e.g. mcp.example.com, [::1]:8080)' },
      { path: 'security.allowedOrigins[0]', message: 'must be an origin: scheme, host and optional port, no path (e.g. https://app.example.com)' },
      { path: 'security.allowedOrigins[1]', message: 'must be an origin: scheme, host and optional port, no path (e.g. https://app.example.com)' },
    ]);
  });

  it('never repeats a secret value in its messages', () => {
    const secret = 'hunter2-hunter2';
    let message = '';
    try {
      parseGatewayConfig(`servers: []\nsession: { signingSecret: ${secret} }\nsessionStore: { url: "http://user:${secret}@redis" }\n`, {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('session.signingSecret');
    expect(message).not.toContain(secret);
  });

  it('reports YAML syntax errors by line and column without quoting the line', () => {
    expect(issuesOf('servers:\n  - name: x\n   url: http://x/mcp\n')).toEqual([{ path: 'line 3, column 1', message: 'YAML syntax: Sequence item without - indicator' }]);
    const unterminated = issuesOf('servers: []\nsession:\n  signingSecret: "unterminated-secret\n');
    expect(unterminated[0]?.path).toMatch(/^line \d+, column \d+$/);
    expect(JSON.stringify(unterminated)).not.toContain('unterminated-secret');
  });

  it('rejects a repeated key instead of letting the last one win', () => {
    expect(issuesOf('servers: []\nlogLevel: info\nlogLevel: debug\n')).toEqual([{ path: 'line 3, column 1', message: 'YAML syntax: Map keys must be unique' }]);
  });

  it('asks for the servers list in an empty file and refuses a document that is not a mapping', () => {
    expect(issuesOf('')).toEqual([{ path: 'servers', message: 'is required' }]);
    expect(issuesOf('- a\n- b\n')).toEqual([{ path: '', message: 'the file must be a YAML mapping with a "servers" list at the top level' }]);
  });
});

describe('environment overrides', () => {
  const secret = 'abcdefghijklmnopqrstuvwxyz0123456789';

  it('CACHE_CONNECTION_STRING, GATEWAY_SESSION_SECRET and LOG_LEVEL set their fields', () => {
    const config = parseGatewayConfig(MINIMAL, { CACHE_CONNECTION_STRING: 'redis://127.0.0.1:7000', GATEWAY_SESSION_SECRET: secret, LOG_LEVEL: 'warn' });
    expect(config.sessionStore.url).toBe('redis://127.0.0.1:7000');
    expect(config.session.signingSecret).toBe(secret);
    expect(config.logLevel).toBe('warn');
  });

  it('the environment wins over the file, and an empty variable counts as unset', () => {
    const file = `${MINIMAL}sessionStore: { url: "redis://from-file:6379" }\nlogLevel: error\n`;
    expect(parseGatewayConfig(file, { CACHE_CONNECTION_STRING: 'rediss://from-env:6380', LOG_LEVEL: 'trace' })).toMatchObject({
      sessionStore: { url: 'rediss://from-env:6380' },
      logLevel: 'trace',
    });
    expect(parseGatewayConfig(file, { CACHE_CONNECTION_STRING: '', LOG_LEVEL: '' })).toMatchObject({
      sessionStore: { url: 'redis://from-file:6379' },
      logLevel: 'error',
    });
  });

  it('names the variable when its value is invalid', () => {
    expect(issuesOf(MINIMAL, { LOG_LEVEL: 'loud', GATEWAY_SESSION_SECRET: 'short', CACHE_CONNECTION_STRING: 'localhost:6379' })).toEqual([
      { path: 'sessionStore.url (from CACHE_CONNECTION_STRING)', message: 'must be a redis:// or rediss:// URL' },
      { path: 'session.signingSecret (from GATEWAY_SESSION_SECRET)', message: 'must be at least 32 characters long' },
      { path: 'logLevel (from LOG_LEVEL)', message: 'must be one of trace, debug, info, warn, error' },
    ]);
  });

  it('reads process.env when no environment is passed', () => {
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'debug';
    try {
      expect(parseGatewayConfig(MINIMAL).logLevel).toBe('debug');
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });
});

describe('loadGatewayConfig', () => {
  const directories: string[] = [];
  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it('reads and parses a file, naming the file in errors', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'gateway-config-'));
    directories.push(directory);
    const good = path.join(directory, 'good.yaml');
    const bad = path.join(directory, 'bad.yaml');
    await writeFile(good, MINIMAL);
    await writeFile(bad, 'servers: [{ name: a, url: nope }]\n');
    expect((await loadGatewayConfig(good, {})).servers[0]?.name).toBe('everything');
    await expect(loadGatewayConfig(bad, {})).rejects.toThrow(`invalid gateway configuration in ${bad} (1 problem):\n  - servers[0].url: must be an http(s) URL`);
  });

  it('turns a missing file into a ConfigError', async () => {
    const missing = path.join(tmpdir(), 'gateway-config-does-not-exist.yaml');
    const failure = loadGatewayConfig(missing, {});
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toMatchObject({ source: missing, issues: [{ path: '', message: 'cannot read the file (ENOENT)' }] });
  });
});
