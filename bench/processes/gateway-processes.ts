// Starts the gateway exactly as an operator would run it standalone (docs: CORE contract):
// the built broker (`node dist/apps/broker/main.js --config FILE --http-port 0 --grpc-port 0`),
// then the built router pointed at it, both reading one YAML config in the shape of
// @mcp-gateway/config, both sharing one session-signing secret. Ports are read from their
// `… listening` log lines. The gateway counts as ready when the router answers /readyz and
// lists, through /mcp, every tool the scenario needs (so the broker has connected every
// upstream). When the apps are missing or do not start, GatewayUnavailableError says why and
// the scenario is reported as skipped.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@mcp-gateway/testing';
import { stringify } from 'yaml';
import { BROKER_ENTRY, REPO_ROOT, ROUTER_ENTRY } from '../bench-paths';
import type { WatchedProcess } from '../load/load-job';
import type { McpEndpoint } from '../load/mcp-request-builder';
import { BenchProcess, ProcessStartError } from './bench-process';
import { listToolCatalog } from './mcp-probe';

export class GatewayUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`gateway not built/runnable (${reason})`);
    this.name = 'GatewayUnavailableError';
  }
}

export interface GatewayUpstreamEntry {
  readonly name: string;
  readonly url: string;
  readonly prefix: string;
}

export interface GatewayLaunchOptions {
  readonly label: string;
  readonly servers: readonly GatewayUpstreamEntry[];
  /** Redis URL for the session store; in-memory store when absent. */
  readonly sessionStoreUrl?: string;
  /** The gateway is ready once it lists at least this many tools. */
  readonly expectedToolCount: number;
  /** The router also serves its Envoy ext_proc face (on a free port). */
  readonly extProc?: boolean;
  readonly readyTimeoutMs?: number;
}

export interface RunningGateway {
  readonly label: string;
  /** The router's /mcp: the only endpoint clients use. */
  readonly endpoint: McpEndpoint;
  /** host:port of the router's ext_proc face, when asked for. */
  readonly extProcAddress?: string;
  readonly watch: readonly WatchedProcess[];
  close(): Promise<void>;
}

/** Why the gateway cannot run at all (apps not built), or undefined when it may. */
export function gatewayBuildProblem(): string | undefined {
  const buildError = process.env['BENCH_GATEWAY_BUILD_ERROR'];
  if (buildError) return buildError;
  for (const entry of [BROKER_ENTRY, ROUTER_ENTRY]) {
    if (!existsSync(entry)) return `${path.relative(REPO_ROOT, entry)} is missing; build it with \`node scripts/build-app.mjs ${path.basename(path.dirname(entry))}\``;
  }
  return undefined;
}

/** Environment for the gateway processes: ours, minus anything that would point them at
 * other config, another Redis or a telemetry collector. */
function gatewayEnvironment(secret: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['GATEWAY_CONFIG', 'CACHE_CONNECTION_STRING', 'BROKER_HTTP_PORT', 'BROKER_GRPC_PORT', 'ROUTER_PORT', 'BROKER_URL', 'BROKER_GRPC_ADDRESS', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'NODE_OPTIONS']) {
    delete env[key];
  }
  env['GATEWAY_SESSION_SECRET'] = secret;
  env['NODE_ENV'] = 'production';
  // No per-request logging inside a measurement, whatever the caller's shell says.
  env['LOG_LEVEL'] = 'info';
  return env;
}

export async function startGateway(options: GatewayLaunchOptions): Promise<RunningGateway> {
  const problem = gatewayBuildProblem();
  if (problem) throw new GatewayUnavailableError(problem);
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;

  const directory = await mkdtemp(path.join(os.tmpdir(), 'mcpgw-bench-'));
  const configPath = path.join(directory, 'gateway.yaml');
  const config: Record<string, unknown> = {
    servers: options.servers.map(({ name, url, prefix }) => ({ name, url, prefix })),
    logLevel: 'info',
  };
  if (options.sessionStoreUrl !== undefined) config['sessionStore'] = { url: options.sessionStoreUrl };
  await writeFile(configPath, stringify(config));

  const env = gatewayEnvironment(randomBytes(32).toString('hex'));
  const started: BenchProcess[] = [];
  const closeAll = async (): Promise<void> => {
    for (const child of started.reverse()) await child.stop();
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const broker = await startApp(`${options.label} broker`, [BROKER_ENTRY, '--config', configPath, '--http-port', '0', '--grpc-port', '0'], env, (line) =>
      line['msg'] === 'broker listening' && typeof line['httpPort'] === 'number' && typeof line['grpcPort'] === 'number',
    );
    started.push(broker.process);
    const brokerHttpPort = broker.readyLine['httpPort'] as number;
    const brokerGrpcPort = broker.readyLine['grpcPort'] as number;

    const routerArgs = [ROUTER_ENTRY, '--config', configPath, '--port', '0', '--broker-url', `http://127.0.0.1:${brokerHttpPort}`, '--broker-grpc', `127.0.0.1:${brokerGrpcPort}`, ...(options.extProc ? ['--ext-proc-port', '0'] : [])];
    const router = await startApp(`${options.label} router`, routerArgs, env, (line) => line['msg'] === 'router listening' && typeof line['port'] === 'number');
    started.push(router.process);
    const routerPort = router.readyLine['port'] as number;

    const base = `http://127.0.0.1:${routerPort}`;
    await waitFor(async () => ((await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined), {
      timeoutMs: readyTimeoutMs,
      intervalMs: 100,
      what: `${options.label} router /readyz`,
    });
    await waitFor(async () => ((await listToolCatalog(`${base}/mcp`)).names.length >= options.expectedToolCount ? true : undefined), {
      timeoutMs: readyTimeoutMs,
      intervalMs: 200,
      what: `${options.label} to list ${options.expectedToolCount} tools through /mcp`,
    });

    return {
      label: options.label,
      endpoint: { host: '127.0.0.1', port: routerPort, path: '/mcp' },
      ...(typeof router.readyLine['extProcPort'] === 'number' ? { extProcAddress: `127.0.0.1:${router.readyLine['extProcPort']}` } : {}),
      watch: [
        { role: 'router', pid: router.process.pid },
        { role: 'broker', pid: broker.process.pid },
      ],
      close: closeAll,
    };
  } catch (error) {
    const output = started.map((child) => `--- ${child.name} ---\n${child.outputTail(600)}`).join('\n');
    await closeAll();
    if (error instanceof GatewayUnavailableError) throw error;
    throw new GatewayUnavailableError(`${(error as Error).message}${output ? `\n${output}` : ''}`);
  }
}

async function startApp(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  isReadyLine: (line: Record<string, unknown>) => boolean,
): Promise<{ process: BenchProcess; readyLine: Record<string, unknown> }> {
  try {
    return await BenchProcess.start({ name, command: process.execPath, args, env, cwd: REPO_ROOT, isReadyLine, readyTimeoutMs: 20_000 });
  } catch (error) {
    if (error instanceof ProcessStartError) {
      throw new GatewayUnavailableError(`${error.message}; last output: ${error.outputTail.trim().slice(-600) || '(none)'}`);
    }
    throw error;
  }
}
