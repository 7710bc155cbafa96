// Where and how the router reaches each upstream MCP server: its URL, the headers it must
// send (static headers and credential, from this process's own config — never from the
// broker), and one keep-alive HTTP agent per upstream so routed calls reuse connections.
// Credential values are resolved ahead of time and refreshed in the background, so the
// hot path never reads a file or the environment. Never logs header values.

import http from 'node:http';
import https from 'node:https';
import type { UpstreamServerConfig } from '@mcp-gateway/config';
import { resolveCredential } from '@mcp-gateway/config';
import type { Logger } from '@mcp-gateway/telemetry';
import { UpstreamConnectionPool } from '../outbound/upstream-connection-pool';

export interface UpstreamEndpoint {
  readonly serverName: string;
  readonly url: URL;
  /** Static headers and credential header of this server (may be empty). */
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: http.Agent;
  /** The router's own connections for routed calls (plain-HTTP upstreams only; an HTTPS
   * upstream is called through `agent`). */
  readonly connections?: UpstreamConnectionPool;
}

export interface UpstreamEndpointsOptions {
  readonly logger: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** How often credentials are re-read (file sources rotate). Default 30 s; 0 disables. */
  readonly credentialRefreshMs?: number;
}

function newAgent(url: URL): http.Agent {
  const options: http.AgentOptions = { keepAlive: true, keepAliveMsecs: 10_000, maxFreeSockets: 64, scheduling: 'lifo' };
  return url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/** An agent no longer handed out: idle sockets close now, busy ones once their call ends
 * (a long call — an elicitation waiting on a person — is never cut by a config reload). */
function retire(agent: http.Agent): void {
  agent.maxFreeSockets = 0;
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) socket.destroy();
  }
}

export class UpstreamEndpoints {
  private configured = new Map<string, UpstreamServerConfig>();
  private readonly resolvedHeaders = new Map<string, Readonly<Record<string, string>>>();
  /** Built endpoints with the URL text they were built from (compared without parsing). */
  private readonly endpoints = new Map<string, UpstreamEndpoint & { readonly urlText: string }>();
  private readonly refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: UpstreamEndpointsOptions) {
    const refreshMs = options.credentialRefreshMs ?? 30_000;
    if (refreshMs > 0) {
      this.refreshTimer = setInterval(() => void this.refreshCredentials(), refreshMs);
      this.refreshTimer.unref();
    }
  }

  /** Adopts the servers of a (new) config and resolves their credentials. Endpoints whose
   * URL changed or whose server left are retired without cutting calls in flight. */
  async configure(servers: readonly UpstreamServerConfig[]): Promise<void> {
    this.configured = new Map(servers.filter((server) => server.enabled).map((server) => [server.name, server]));
    for (const name of [...this.resolvedHeaders.keys()]) {
      if (!this.configured.has(name)) this.resolvedHeaders.delete(name);
    }
    await this.refreshCredentials();
    for (const [name, endpoint] of [...this.endpoints]) {
      const configured = this.configured.get(name);
      if (configured === undefined || configured.url !== endpoint.urlText) {
        this.endpoints.delete(name);
        retire(endpoint.agent);
        endpoint.connections?.retire();
      }
    }
  }

  private async refreshCredentials(): Promise<void> {
    await Promise.all(
      [...this.configured.values()].map(async (server) => {
        try {
          const headers = await resolveCredential(server, this.options.env ?? process.env);
          this.resolvedHeaders.set(server.name, Object.freeze(headers));
          const endpoint = this.endpoints.get(server.name);
          if (endpoint) this.endpoints.set(server.name, { ...endpoint, headers: this.resolvedHeaders.get(server.name) ?? {} });
        } catch (error) {
          // Keep the last good value: a file being rotated may be briefly absent.
          this.options.logger.warn({ server: server.name, err: error }, 'upstream credential unavailable');
        }
      }),
    );
  }

  /**
   * The endpoint of `serverName`. The router's own config wins for URL and headers; a
   * server only the broker knows (a config reload not seen here yet) is reached at the URL
   * from the routing table, without credentials. Undefined when neither knows it.
   */
  endpoint(serverName: string, urlFromRoutingTable: string | undefined): UpstreamEndpoint | undefined {
    const existing = this.endpoints.get(serverName);
    const configured = this.configured.get(serverName);
    const urlText = configured?.url ?? urlFromRoutingTable;
    if (urlText === undefined) return undefined;
    if (existing && existing.urlText === urlText) return existing;
    if (existing) {
      retire(existing.agent);
      existing.connections?.retire();
    }
    const url = new URL(urlText);
    const endpoint = {
      serverName,
      url,
      urlText,
      headers: configured ? (this.resolvedHeaders.get(serverName) ?? {}) : {},
      agent: newAgent(url),
      ...(url.protocol === 'http:' ? { connections: new UpstreamConnectionPool(url) } : {}),
    };
    this.endpoints.set(serverName, endpoint);
    return endpoint;
  }

  async close(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    for (const endpoint of this.endpoints.values()) {
      endpoint.agent.destroy();
      endpoint.connections?.close();
    }
    this.endpoints.clear();
  }
}
