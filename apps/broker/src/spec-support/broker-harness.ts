// Runs a real broker (startBroker, real config file on disk, real ports) in front of real
// SDK upstream servers, and talks to it the way a router does: plain HTTP to /mcp, SSE
// GET streams, gRPC Watch. Test-only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SseParser } from '@mcp-gateway/jsonrpc';
import { startBroker } from '../broker';
import type { RunningBroker } from '../broker';
import type { CapturedLog } from './captured-log';
import { captureLog } from './captured-log';
import { watchRoutingTable } from './routing-watch-client';
import type { RoutingWatch } from './routing-watch-client';

export const SPEC_SESSION_SECRET = 'spec-session-secret-that-is-long-enough-0123456789';

export interface HarnessServer {
  name: string;
  url: string;
  prefix?: string;
  enabled?: boolean;
  credentialFromEnv?: string;
}

export interface McpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface NotificationStream {
  /** JSON-RPC messages received so far. */
  readonly messages: Array<{ method?: string }>;
  /** Raw text received (keep-alive comments included). */
  raw(): string;
  close(): void;
  readonly ended: Promise<void>;
}

export class BrokerHarness {
  private readonly watches: RoutingWatch[] = [];
  private readonly streams: NotificationStream[] = [];

  private constructor(
    readonly broker: RunningBroker,
    readonly log: CapturedLog,
    private readonly directory: string,
    readonly configPath: string,
  ) {}

  static async start(servers: HarnessServer[], options: { env?: NodeJS.ProcessEnv; listPageSize?: number } = {}): Promise<BrokerHarness> {
    const directory = await mkdtemp(path.join(tmpdir(), 'broker-spec-'));
    const configPath = path.join(directory, 'gateway.yaml');
    await writeFile(configPath, configYaml(servers));
    const log = captureLog();
    const broker = await startBroker({
      configPath,
      host: '127.0.0.1',
      httpPort: 0,
      grpcPort: 0,
      logger: log.logger,
      env: { GATEWAY_SESSION_SECRET: SPEC_SESSION_SECRET, ...options.env },
      listPageSize: options.listPageSize ?? 2,
      keepAliveMs: 200,
      configDebounceMs: 30,
    });
    return new BrokerHarness(broker, log, directory, configPath);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.broker.httpPort}`;
  }

  async writeConfig(servers: HarnessServer[]): Promise<void> {
    await writeFile(this.configPath, configYaml(servers));
  }

  async writeRawConfig(text: string): Promise<void> {
    await writeFile(this.configPath, text);
  }

  async post(body: unknown, sessionId?: string): Promise<McpAnswer> {
    const response = await fetch(`${this.baseUrl}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  /** initialize, as the router forwards it; returns the issued session id. */
  async initialize(protocolVersion = '2025-11-25'): Promise<{ sessionId: string; answer: McpAnswer }> {
    const answer = await this.post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'spec-client', version: '1' } },
    });
    const sessionId = answer.headers.get('mcp-session-id');
    if (!sessionId) throw new Error(`initialize returned no session id: ${answer.status} ${answer.text}`);
    return { sessionId, answer };
  }

  async getJson(route: string): Promise<{ status: number; body: unknown; text: string }> {
    const response = await fetch(`${this.baseUrl}${route}`);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text };
  }

  async openStream(sessionId: string): Promise<NotificationStream> {
    const controller = new AbortController();
    const response = await fetch(`${this.baseUrl}/mcp`, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId },
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`GET /mcp answered ${response.status}`);
    const messages: Array<{ method?: string }> = [];
    let raw = '';
    const parser = new SseParser();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const ended = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          const text = decoder.decode(value, { stream: true });
          raw += text;
          for (const event of parser.push(text)) messages.push(JSON.parse(event.data) as { method?: string });
        }
      } catch {
        // aborted by close()
      }
    })();
    const stream: NotificationStream = { messages, raw: () => raw, close: () => controller.abort(), ended };
    this.streams.push(stream);
    return stream;
  }

  watch(routerId?: string): RoutingWatch {
    const watch = watchRoutingTable(`127.0.0.1:${this.broker.grpcPort}`, routerId);
    this.watches.push(watch);
    return watch;
  }

  /** Every tool name of the aggregated list, following the broker's cursors. */
  async listAll(sessionId: string, method = 'tools/list', field = 'tools', key = 'name'): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      const answer = await this.post({ jsonrpc: '2.0', id: page + 1, method, params: cursor ? { cursor } : {} }, sessionId);
      const result = (answer.body as { result: Record<string, unknown> }).result;
      names.push(...(result[field] as Array<Record<string, string>>).map((item) => item[key] ?? ''));
      cursor = result['nextCursor'] as string | undefined;
      if (cursor === undefined) return names;
    }
    throw new Error('pagination did not end');
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.close();
    for (const watch of this.watches) watch.close();
    await this.broker.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}

export function configYaml(servers: HarnessServer[]): string {
  const lines = [
    'logLevel: debug',
    'broker:',
    '  pingIntervalMs: 200',
    '  listChangedDebounceMs: 50',
    '  reconnect:',
    '    initialDelayMs: 50',
    '    maxDelayMs: 300',
    'timeouts:',
    '  upstreamConnectMs: 2000',
    servers.length === 0 ? 'servers: []' : 'servers:',
  ];
  for (const server of servers) {
    lines.push(`  - name: ${server.name}`, `    url: ${server.url}`);
    if (server.prefix !== undefined) lines.push(`    prefix: ${JSON.stringify(server.prefix)}`);
    if (server.enabled === false) lines.push('    enabled: false');
    if (server.credentialFromEnv) lines.push('    credential:', `      valueFromEnv: ${server.credentialFromEnv}`);
  }
  return `${lines.join('\n')}\n`;
}
