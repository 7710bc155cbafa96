// Checks what an upstream answered to `initialize` before the broker trusts it: the
// negotiated protocol version must be one the gateway speaks (spec 2025-11-25 "Version
// Negotiation": the client SHOULD disconnect when it does not support the server's
// version), and the capabilities must be well-formed objects.
import { SESSION_ERA_PROTOCOL_VERSIONS } from '@mcp-gateway/jsonrpc';

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
  if (version === undefined || !(SESSION_ERA_PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
    throw new UpstreamProtocolError(
      server,
      `upstream negotiated protocol version ${version ?? '(none)'}, the gateway speaks ${SESSION_ERA_PROTOCOL_VERSIONS.join(', ')}`,
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
