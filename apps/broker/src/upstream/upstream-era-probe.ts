// Finds out which protocol era an upstream speaks before the broker connects to it, the way
// MCP 2026-07-28 "Versioning: Backward Compatibility" tells dual-era clients to: send a
// modern request (`server/discover`) first; a DiscoverResult or an
// UnsupportedProtocolVersionError (-32022) is modern evidence and names the versions the
// server speaks; anything else (a 4xx without a modern error body, -32601, …) is a legacy
// server, reached with the 2025 `initialize` handshake.
//
// The SDK's own `versionNegotiation: 'auto'` is not enough here: an upstream that speaks
// only a future revision makes it fall back to `initialize` and fail with an unrelated
// schema error, and the broker must instead report the versions it saw (issue: "an
// upstream of an unknown future version is reported in /status").
//
// Never logs or returns header values; one request, bounded by `timeoutMs`.
import {
  JsonRpcErrorCode,
  LATEST_STATELESS_PROTOCOL_VERSION,
  SESSION_ERA_PROTOCOL_VERSIONS,
  STATELESS_ERA_PROTOCOL_VERSIONS,
  SseParser,
  parseJsonRpc,
} from '@mcp-gateway/jsonrpc';

export type UpstreamEra =
  /** Speaks a stateless-era version the gateway speaks: connect with per-request `_meta`. */
  | { readonly kind: 'stateless'; readonly protocolVersion: string; readonly discover: Readonly<Record<string, unknown>>; readonly receivedAtMs: number }
  /** A legacy server, or a dual-era one whose modern versions the gateway does not speak. */
  | { readonly kind: 'session' }
  /** Modern, but no version in common: left out, reported with what it offered. */
  | { readonly kind: 'unsupported'; readonly supportedVersions: readonly string[] };

export interface UpstreamEraProbeOptions {
  readonly url: string;
  /** Credential and static headers of the upstream. */
  readonly headers: Readonly<Record<string, string>>;
  readonly clientInfo: { readonly name: string; readonly version: string };
  readonly timeoutMs: number;
  readonly clock?: () => number;
}

const PROBE_ID = 'mcp-gateway-era-probe';

export async function probeUpstreamEra(options: UpstreamEraProbeOptions): Promise<UpstreamEra> {
  const clock = options.clock ?? Date.now;
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: PROBE_ID,
    method: 'server/discover',
    params: {
      _meta: {
        'io.modelcontextprotocol/protocolVersion': LATEST_STATELESS_PROTOCOL_VERSION,
        'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/clientInfo': options.clientInfo,
      },
    },
  });
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      ...options.headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': LATEST_STATELESS_PROTOCOL_VERSION,
      'mcp-method': 'server/discover',
    },
    body,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const text = await response.text();
  const receivedAtMs = clock();
  const answer = jsonRpcAnswer(text, response.headers.get('content-type') ?? '');
  if (answer === undefined) return { kind: 'session' };

  const result = asRecord(answer['result']);
  if (response.ok && result !== undefined && Array.isArray(result['supportedVersions'])) {
    return chooseEra(stringsOf(result['supportedVersions']), (protocolVersion) => ({ kind: 'stateless', protocolVersion, discover: result, receivedAtMs }));
  }
  const error = asRecord(answer['error']);
  if (error?.['code'] === JsonRpcErrorCode.UnsupportedProtocolVersion) {
    const supported = stringsOf(asRecord(error['data'])?.['supported']);
    // A modern server that refused our revision: it names what it speaks. Without a usable
    // list there is nothing to choose from, so it is reported as such.
    return chooseEra(supported, () => ({ kind: 'unsupported', supportedVersions: supported }));
  }
  return { kind: 'session' };
}

/**
 * The newest stateless version both sides speak; else the session era when the server also
 * offers a session-era version the gateway speaks; else unsupported. `modern` builds the
 * outcome for a common stateless version.
 */
function chooseEra(offered: readonly string[], modern: (protocolVersion: string) => UpstreamEra): UpstreamEra {
  const common = STATELESS_ERA_PROTOCOL_VERSIONS.find((version) => offered.includes(version));
  if (common !== undefined) return modern(common);
  if (SESSION_ERA_PROTOCOL_VERSIONS.some((version) => offered.includes(version))) return { kind: 'session' };
  return { kind: 'unsupported', supportedVersions: offered };
}

/** The JSON-RPC response in a JSON or SSE answer, as a plain object. */
function jsonRpcAnswer(text: string, contentType: string): Record<string, unknown> | undefined {
  const candidates = contentType.includes('text/event-stream') ? new SseParser().push(`${text}\n\n`).map((event) => event.data) : [text];
  for (const candidate of candidates) {
    const parsed = parseJsonRpc(candidate);
    if (!parsed.ok || parsed.kind !== 'single') continue;
    const message = parsed.message as unknown as Record<string, unknown>;
    if ('result' in message || 'error' in message) return message;
  }
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
