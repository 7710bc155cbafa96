import { z } from 'zod';
import { CONFIG_DEFAULTS } from './config-defaults';
import { LOG_LEVELS } from './gateway-config';
import type { GatewayConfig } from './gateway-config';

// The zod schema of the configuration file. Objects are strict so that a misspelt field is
// reported instead of silently ignored. Messages for a field's own rules live here; generic
// ones (missing, wrong type, unknown field) are worded in `config-issue-messages.ts`.
// Rules that span several fields (unique names, ordered bounds) live in
// `config-invariants.ts` so they are checked even when other fields are broken.

export const SERVER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const SERVER_PREFIX_PATTERN = /^[a-z0-9_-]*$/;
/** RFC 9110 §5.6.2 token: the characters a header field name may use. */
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Header values: visible ASCII, spaces and tabs, no CR/LF (RFC 9110 §5.5). */
const HEADER_VALUE_PATTERN = /^[\t\x20-\x7e\x80-\xff]*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$/;

/** Headers the gateway itself sets on upstream requests; configuring them would break the
 * transport (MCP 2025-11-25, Transports §"Session Management" and §"Protocol Version
 * Header"; HTTP framing headers). Compared lower-case. */
export const RESERVED_UPSTREAM_HEADERS: readonly string[] = Object.freeze([
  'host',
  'connection',
  'content-length',
  'content-type',
  'transfer-encoding',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'last-event-id',
]);

const MAX_SERVER_NAME_LENGTH = 63;

function isUrlWithScheme(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

const milliseconds = (minimum: number) => z.number().int().min(minimum);

const headerName = z.string().regex(HEADER_NAME_PATTERN, 'must be a valid HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)');

const credentialSchema = z
  .strictObject({
    header: headerName
      .refine((name) => !RESERVED_UPSTREAM_HEADERS.includes(name.toLowerCase()), 'is set by the gateway and cannot carry a credential')
      .default(CONFIG_DEFAULTS.credential.header),
    valueFromEnv: z.string().regex(ENV_NAME_PATTERN, 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)').optional(),
    valueFromFile: z.string().min(1).optional(),
    value: z.string().min(1).regex(HEADER_VALUE_PATTERN, 'must not contain line breaks or control characters').optional(),
  })
  .refine(
    (credential) => [credential.valueFromEnv, credential.valueFromFile, credential.value].filter((source) => source !== undefined).length === 1,
    'set exactly one of valueFromEnv, valueFromFile, value',
  );

const staticHeadersSchema = z.record(
  headerName.refine((name) => !RESERVED_UPSTREAM_HEADERS.includes(name.toLowerCase()), 'is set by the gateway and cannot be configured'),
  z.string().regex(HEADER_VALUE_PATTERN, 'must not contain line breaks or control characters'),
);

const serverSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(MAX_SERVER_NAME_LENGTH)
    .regex(SERVER_NAME_PATTERN, 'must be lower-case letters, digits and "-", starting with a letter or digit'),
  url: z.string().refine((url) => isUrlWithScheme(url, ['http:', 'https:']), 'must be an http(s) URL'),
  prefix: z.string().regex(SERVER_PREFIX_PATTERN, 'must be lower-case letters, digits, "_" and "-" only').default(CONFIG_DEFAULTS.server.prefix),
  enabled: z.boolean().default(CONFIG_DEFAULTS.server.enabled),
  credential: credentialSchema.optional(),
  headers: staticHeadersSchema.default(() => ({ ...CONFIG_DEFAULTS.server.headers })),
});

export const gatewayConfigSchema = z.strictObject({
  servers: z.array(serverSchema),
  sessionStore: z
    .strictObject({
      url: z.string().refine((url) => isUrlWithScheme(url, ['redis:', 'rediss:']), 'must be a redis:// or rediss:// URL').optional(),
      keyPrefix: z
        .string()
        .min(1)
        .regex(/^\S*$/, 'must not contain whitespace')
        .default(CONFIG_DEFAULTS.sessionStore.keyPrefix),
    })
    .prefault({}),
  session: z
    .strictObject({
      idleTtlMs: milliseconds(1_000).default(CONFIG_DEFAULTS.session.idleTtlMs),
      maxLifetimeMs: milliseconds(1_000).default(CONFIG_DEFAULTS.session.maxLifetimeMs),
      // HMAC key for gateway session ids: shorter secrets are guessable offline.
      signingSecret: z.string().min(32, 'must be at least 32 characters long').optional(),
    })
    .prefault({}),
  limits: z
    .strictObject({
      maxRequestBodyBytes: z.number().int().min(1_024).default(CONFIG_DEFAULTS.limits.maxRequestBodyBytes),
    })
    .prefault({}),
  timeouts: z
    .strictObject({
      upstreamConnectMs: milliseconds(1).default(CONFIG_DEFAULTS.timeouts.upstreamConnectMs),
      upstreamRequestMs: milliseconds(1).default(CONFIG_DEFAULTS.timeouts.upstreamRequestMs),
    })
    .prefault({}),
  broker: z
    .strictObject({
      pingIntervalMs: milliseconds(100).default(CONFIG_DEFAULTS.broker.pingIntervalMs),
      listChangedDebounceMs: milliseconds(0).default(CONFIG_DEFAULTS.broker.listChangedDebounceMs),
      reconnect: z
        .strictObject({
          initialDelayMs: milliseconds(1).default(CONFIG_DEFAULTS.broker.reconnect.initialDelayMs),
          maxDelayMs: milliseconds(1).default(CONFIG_DEFAULTS.broker.reconnect.maxDelayMs),
        })
        .prefault({}),
    })
    .prefault({}),
  security: z
    .strictObject({
      allowedHosts: z
        .array(z.string().regex(HOST_PATTERN, 'must be a host name or IP literal with an optional :port (e.g. mcp.example.com, [::1]:8080)'))
        .default(() => [...CONFIG_DEFAULTS.security.allowedHosts]),
      allowedOrigins: z
        .array(z.string().refine(isOrigin, 'must be an origin: scheme, host and optional port, no path (e.g. https://app.example.com)'))
        .default(() => [...CONFIG_DEFAULTS.security.allowedOrigins]),
    })
    .prefault({}),
  logLevel: z.enum(LOG_LEVELS).default(CONFIG_DEFAULTS.logLevel),
});

/** What a configuration file may contain: every field with a default is optional. Handy
 * for code that renders a file (the operator) and wants the compiler to check it. */
export type GatewayConfigFile = z.input<typeof gatewayConfigSchema>;

// The schema and the hand-written `GatewayConfig` must describe the same snapshot: these
// two assignments stop compiling when one drifts from the other.
type SchemaOutput = z.output<typeof gatewayConfigSchema>;
const _schemaMatchesInterface = (config: SchemaOutput): GatewayConfig => config;
const _interfaceMatchesSchema = (config: GatewayConfig): SchemaOutput => config;
