import type { GatewayConfig, UpstreamCredential, UpstreamServerConfig } from './gateway-config';

// Every default of the gateway configuration, in one place. The schema reads its defaults
// from here and the README's reference table is pinned to these values by a test.

type ServerDefaults = Pick<UpstreamServerConfig, 'prefix' | 'enabled' | 'headers'>;
type CredentialDefaults = Pick<UpstreamCredential, 'header'>;

export interface ConfigDefaults {
  server: Readonly<ServerDefaults>;
  credential: Readonly<CredentialDefaults>;
  sessionStore: Readonly<Pick<GatewayConfig['sessionStore'], 'keyPrefix'>>;
  session: Readonly<Pick<GatewayConfig['session'], 'idleTtlMs' | 'maxLifetimeMs'>>;
  limits: Readonly<GatewayConfig['limits']>;
  timeouts: Readonly<GatewayConfig['timeouts']>;
  broker: Readonly<{
    pingIntervalMs: number;
    listChangedDebounceMs: number;
    reconnect: Readonly<GatewayConfig['broker']['reconnect']>;
  }>;
  security: Readonly<{ allowedHosts: readonly string[]; allowedOrigins: readonly string[] }>;
  logLevel: GatewayConfig['logLevel'];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const MIB = 1024 * 1024;

export const CONFIG_DEFAULTS: Readonly<ConfigDefaults> = Object.freeze({
  server: Object.freeze({ prefix: '', enabled: true, headers: Object.freeze({}) }),
  credential: Object.freeze({ header: 'Authorization' }),
  sessionStore: Object.freeze({ keyPrefix: 'mcpgw:' }),
  session: Object.freeze({ idleTtlMs: 30 * MINUTE_MS, maxLifetimeMs: 24 * HOUR_MS }),
  limits: Object.freeze({ maxRequestBodyBytes: 4 * MIB }),
  // Ten minutes per upstream request: a tool call may be waiting on a person answering an
  // elicitation, and the gateway must not cut that short.
  timeouts: Object.freeze({ upstreamConnectMs: 5_000, upstreamRequestMs: 10 * MINUTE_MS }),
  broker: Object.freeze({
    pingIntervalMs: MINUTE_MS,
    listChangedDebounceMs: 250,
    reconnect: Object.freeze({ initialDelayMs: 500, maxDelayMs: 30_000 }),
  }),
  // Loopback names only, with any port: the MCP transport spec (2025-11-25, "Security
  // Warning") requires servers to validate Host/Origin against DNS rebinding.
  security: Object.freeze({ allowedHosts: Object.freeze(['127.0.0.1', 'localhost', '[::1]']), allowedOrigins: Object.freeze([]) }),
  logLevel: 'info',
});
