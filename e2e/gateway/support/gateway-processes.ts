// The real gateway for end-to-end suites: the broker and the router as two separate
// processes (from their bundles, see gateway-bundles.ts) over a temporary YAML config,
// sharing one session-signing secret, exactly as `npm start` runs them. Ports are the ones
// each process reports in its `listening` log line (both start on port 0); the handle is
// returned once the router's /readyz says it holds a routing table.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startProcess, waitFor, type ManagedProcess } from '@mcp-gateway/testing';
import { ensureGatewayBundles, REPO_ROOT } from './gateway-bundles';

export interface GatewayServerEntry {
  name: string;
  url: string;
  /** Omitted: no prefix. */
  prefix?: string;
  enabled?: boolean;
}

export interface GatewayConfigOptions {
  servers: readonly GatewayServerEntry[];
  maxRequestBodyBytes?: number;
  upstreamRequestMs?: number;
  /** Default 1000, so a dead upstream is noticed within about a second. */
  pingIntervalMs?: number;
}

/** Upstream state as the broker's /status reports it (the fields the suites read). */
export interface UpstreamStatusRow {
  name: string;
  url: string;
  prefix: string;
  state: 'connecting' | 'ready' | 'failed' | 'disabled';
  protocolVersion?: string;
  counts: { tools: number; prompts: number; resources: number; resourceTemplates: number };
  lastError?: string;
}

export interface CatalogConflictRow {
  kind: string;
  gatewayKey: string;
  keptServer: string;
  droppedServer: string;
}

export interface BrokerStatus {
  catalogVersion: number;
  upstreams: UpstreamStatusRow[];
  conflicts: CatalogConflictRow[];
}

export interface GatewayProcesses {
  /** The router's MCP endpoint: http://127.0.0.1:PORT/mcp. */
  readonly url: string;
  readonly routerPort: number;
  readonly brokerStatusUrl: string;
  readonly configPath: string;
  readonly broker: ManagedProcess;
  readonly router: ManagedProcess;
  /** Replaces the config file the way editors and Kubernetes do (write aside, rename over). */
  rewriteConfig(yaml: string): Promise<void>;
  /** GET the broker's /status. */
  status(): Promise<BrokerStatus>;
  /** Waits until every named upstream is `ready` in /status. */
  waitForUpstreamsReady(names: readonly string[], timeoutMs?: number): Promise<BrokerStatus>;
  /** Router, then broker (reverse order of start); removes the config directory. */
  stop(): Promise<void>;
}

export interface StartGatewayOptions {
  /** YAML text of the config file, or servers (and limits) to render with fast test timings. */
  config: string | GatewayConfigOptions;
  /** Router port; default 0 (a free one). */
  routerPort?: number;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  readyTimeoutMs?: number;
}

/**
 * A config file for tests: the given servers plus timings short enough that a killed or
 * restarted upstream is noticed in about a second (production defaults are minutes).
 */
export function gatewayConfigYaml(options: GatewayConfigOptions): string {
  return stringify({
    servers: options.servers.map((server) => ({
      name: server.name,
      url: server.url,
      ...(server.prefix !== undefined ? { prefix: server.prefix } : {}),
      ...(server.enabled !== undefined ? { enabled: server.enabled } : {}),
    })),
    limits: { maxRequestBodyBytes: options.maxRequestBodyBytes ?? 1_048_576 },
    timeouts: { upstreamConnectMs: 2_000, upstreamRequestMs: options.upstreamRequestMs ?? 30_000 },
    broker: {
      pingIntervalMs: options.pingIntervalMs ?? 1_000,
      listChangedDebounceMs: 50,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    },
  });
}

function listeningLine(child: ManagedProcess, message: string): Record<string, unknown> {
  const line = child
    .output()
    .split('\n')
    .find((text) => text.includes(`"msg":"${message}"`));
  if (line === undefined) throw new Error(`no "${message}" line in:\n${child.output().slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

function portFrom(line: Record<string, unknown>, field: string): number {
  const value = line[field];
  if (typeof value !== 'number' || value <= 0) throw new Error(`listening line has no ${field}: ${JSON.stringify(line)}`);
  return value;
}

export async function startGatewayProcesses(options: StartGatewayOptions): Promise<GatewayProcesses> {
  const bundles = await ensureGatewayBundles();
  const directory = await mkdtemp(path.join(tmpdir(), 'mcp-gateway-e2e-'));
  const configPath = path.join(directory, 'gateway.yaml');
  await writeFile(configPath, typeof options.config === 'string' ? options.config : gatewayConfigYaml(options.config));

  const env = {
    GATEWAY_SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: options.logLevel ?? 'info',
    // Never inherit a Redis URL, an OTLP endpoint or another config from the test's shell.
    CACHE_CONNECTION_STRING: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    GATEWAY_CONFIG: undefined,
  };
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const started: ManagedProcess[] = [];
  try {
    const broker = await startProcess(
      process.execPath,
      [bundles.broker, '--config', configPath, '--http-port', '0', '--grpc-port', '0'],
      { cwd: REPO_ROOT, env, readyPattern: /"msg":"broker listening"/, readyTimeoutMs },
    );
    started.push(broker);
    const brokerLine = listeningLine(broker, 'broker listening');
    const brokerHttpPort = portFrom(brokerLine, 'httpPort');
    const brokerGrpcPort = portFrom(brokerLine, 'grpcPort');

    const router = await startProcess(
      process.execPath,
      [
        bundles.router,
        '--config', configPath,
        '--port', String(options.routerPort ?? 0),
        '--broker-url', `http://127.0.0.1:${brokerHttpPort}`,
        '--broker-grpc', `127.0.0.1:${brokerGrpcPort}`,
      ],
      { cwd: REPO_ROOT, env, readyPattern: /"msg":"router listening"/, readyTimeoutMs },
    );
    started.push(router);
    const routerPort = portFrom(listeningLine(router, 'router listening'), 'port');
    await waitFor(async () => (await fetch(`http://127.0.0.1:${routerPort}/readyz`)).ok, {
      timeoutMs: readyTimeoutMs,
      what: 'the router to report ready (first routing table received)',
    });

    const brokerStatusUrl = `http://127.0.0.1:${brokerHttpPort}/status`;
    const status = async (): Promise<BrokerStatus> => {
      const response = await fetch(brokerStatusUrl);
      if (!response.ok) throw new Error(`GET ${brokerStatusUrl} answered ${response.status}`);
      return (await response.json()) as BrokerStatus;
    };
    return {
      url: `http://127.0.0.1:${routerPort}/mcp`,
      routerPort,
      brokerStatusUrl,
      configPath,
      broker,
      router,
      rewriteConfig: async (yaml) => {
        const aside = `${configPath}.${Date.now()}.new`;
        await writeFile(aside, yaml);
        await rename(aside, configPath);
      },
      status,
      waitForUpstreamsReady: (names, timeoutMs = 15_000) =>
        waitFor(
          async () => {
            const current = await status();
            return names.every((name) => current.upstreams.some((row) => row.name === name && row.state === 'ready')) && current;
          },
          { timeoutMs, intervalMs: 50, what: `upstreams ${names.join(', ')} to be ready` },
        ),
      stop: async () => {
        await router.stop();
        await broker.stop();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const child of started.reverse()) await child.kill();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
