// DNS-rebinding protection (MCP 2025-11-25 "Transports: Security Warning"): the Host of
// every request must be one of `security.allowedHosts` (any port), and an Origin header,
// when a browser sends one, must name the same host or one of `security.allowedOrigins`.
// Entries of allowedOrigins may be full origins ("https://app.example.com") or bare
// hostnames ("app.example.com"). Never consults anything but the two headers.

import { GatewayError } from '@mcp-gateway/jsonrpc';

export interface HostOriginPolicyOptions {
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
}

/** "example.com:8080" → "example.com"; "[::1]:3000" → "[::1]". Lower case. */
export function hostnameOf(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return (end === -1 ? authority : authority.slice(0, end + 1)).toLowerCase();
  }
  const colon = authority.indexOf(':');
  return (colon === -1 ? authority : authority.slice(0, colon)).toLowerCase();
}

export class HostOriginPolicy {
  private readonly hosts: ReadonlySet<string>;
  private readonly origins: ReadonlySet<string>;

  constructor(options: HostOriginPolicyOptions) {
    this.hosts = new Set(options.allowedHosts.map((host) => hostnameOf(host.trim())));
    this.origins = new Set(options.allowedOrigins.map((origin) => origin.trim().toLowerCase().replace(/\/+$/, '')));
  }

  /** Throws FORBIDDEN_ORIGIN (403) when the request may come from a rebinding page. */
  check(authority: string | undefined, origin: string | undefined): void {
    if (authority === undefined || authority === '') throw forbidden('Forbidden: missing Host header');
    const host = hostnameOf(authority);
    if (!this.hosts.has(host)) throw forbidden(`Forbidden: host "${host}" is not allowed`);
    if (origin === undefined) return;
    const normalised = origin.trim().toLowerCase();
    if (this.origins.has(normalised)) return;
    let originHost: string;
    try {
      // WHATWG URL keeps the brackets of an IPv6 hostname, as Host headers do.
      originHost = new URL(normalised).hostname;
    } catch {
      throw forbidden('Forbidden: invalid Origin header');
    }
    if (originHost === host || this.origins.has(originHost)) return;
    throw forbidden(`Forbidden: origin "${normalised}" is not allowed`);
  }
}

function forbidden(message: string): GatewayError {
  return new GatewayError('FORBIDDEN_ORIGIN', message);
}
