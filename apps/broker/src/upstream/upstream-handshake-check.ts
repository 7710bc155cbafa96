// Checks what an upstream answered to `initialize` (or, for a stateless-era upstream, to
// `server/discover`) before the broker trusts it: the
// negotiated protocol version must be one the gateway speaks (spec 2025-11-25 "Version
// Negotiation": the client SHOULD disconnect when it does not support the server's
// version), and the capabilities must be well-formed objects.
import { SESSION_ERA_PROTOCOL_VERSIONS, STATELESS_ERA_PROTOCOL_VERSIONS } from '@mcp-gateway/jsonrpc';

/** Either era: a stateless-era upstream was pinned to its version by the era probe. */
const SPOKEN_VERSIONS: readonly string[] = [...STATELESS_ERA_PROTOCOL_VERSIONS, ...SESSION_ERA_PROTOCOL_VERSIONS];

export class UpstreamProtocolError extends Error {
  readonly code = 'UPSTREAM_PROTOCOL';
  constructor(
    readonly server: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamProtocolError';
  }
}

export interface UpstreamHandshake {
  readonly protocolVersion: string | undefined;
  readonly capabilities: unknown;
}

const LISTING_CAPABILITIES = ['tools', 'prompts', 'resources'] as const;

export function checkUpstreamHandshake(server: string, handshake: UpstreamHandshake): void {
  const version = handshake.protocolVersion;
  if (version === undefined || !SPOKEN_VERSIONS.includes(version)) {
    throw new UpstreamProtocolError(
      server,
      `upstream negotiated protocol version ${version ?? '(none)'}, the gateway speaks ${SPOKEN_VERSIONS.join(', ')}`,
    );
  }
  const capabilities = handshake.capabilities;
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) {
    throw new UpstreamProtocolError(server, 'upstream sent no capabilities object');
  }
  for (const name of LISTING_CAPABILITIES) {
    const value = (capabilities as Record<string, unknown>)[name];
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new UpstreamProtocolError(server, `upstream capability "${name}" is not an object`);
    }
  }
}
