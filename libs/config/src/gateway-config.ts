// The typed snapshot every gateway process works from once its configuration file has been
// parsed and validated. The file a person writes by hand and the file the operator renders
// into a Secret both end up as this one shape. Snapshots are deeply frozen: modules receive
// them as values and never edit them.

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the value of the credential header comes from. Exactly one source is set. */
export interface UpstreamCredential {
  /** Header that carries the credential upstream. Default `Authorization`. */
  header: string;
  /** Name of an environment variable holding the header value. */
  valueFromEnv?: string;
  /** Path of a file holding the header value (re-read on every use, so rotation applies). */
  valueFromFile?: string;
  /** The header value itself (discouraged: it sits in the file in clear text). */
  value?: string;
}

export interface UpstreamServerConfig {
  /** `[a-z0-9][a-z0-9-]*`, unique among servers. Used in logs, metrics and session keys. */
  name: string;
  /** http(s) URL of the upstream's streamable-HTTP MCP endpoint. */
  url: string;
  /** Prepended to the upstream's tool and prompt names. `''` = no prefix. `[a-z0-9_-]*`,
   * unique among non-empty prefixes. */
  prefix: string;
  /** A disabled server stays in the file but is neither connected nor routed to. */
  enabled: boolean;
  credential?: UpstreamCredential;
  /** Extra static headers sent on every upstream request. */
  headers: Record<string, string>;
}

export interface GatewayConfig {
  servers: UpstreamServerConfig[];
  /** `url` undefined → in-memory store (single process only). */
  sessionStore: { url?: string; keyPrefix: string };
  session: { idleTtlMs: number; maxLifetimeMs: number; signingSecret?: string };
  limits: { maxRequestBodyBytes: number };
  timeouts: { upstreamConnectMs: number; upstreamRequestMs: number };
  broker: {
    pingIntervalMs: number;
    listChangedDebounceMs: number;
    reconnect: { initialDelayMs: number; maxDelayMs: number };
  };
  security: { allowedHosts: string[]; allowedOrigins: string[] };
  logLevel: LogLevel;
}
