// A horizontally scaled gateway for the scaling suites: N router and M broker processes
// (from the same bundles as the gateway suites, see ../../gateway/support/gateway-bundles),
// all sharing one session-signing secret and one Redis, with a round-robin balancer in
// front of the routers (what clients talk to) and another in front of the brokers' HTTP
// side (what every router's --broker-url names), so every request — client → router and
// router → broker — lands on another replica than the one before. Both balancers follow
// the replicas' /readyz, as a Service follows readiness probes. Router i watches the
// routing table of broker i mod M over gRPC (a deployment would point them at a Service).
//
// Every replica has a fixed port, so a killed or stopped replica comes back at the same
// address, exactly as a restarted pod behind a Service does.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startProcess, waitFor, type ManagedProcess } from '@mcp-gateway/testing';
import { ensureGatewayBundles, REPO_ROOT } from '../../gateway/support/gateway-bundles';
import { gatewayConfigYaml, type BrokerStatus, type GatewayConfigOptions } from '../../gateway/support/gateway-processes';
import { startRoundRobinBalancer, type RoundRobinBalancer } from './round-robin-balancer';

export interface ScaledGatewayOptions {
  readonly config: GatewayConfigOptions;
  /** `redis://…` every router uses as its session store (CACHE_CONNECTION_STRING). */
  readonly redisUrl: string;
  /** Default 3. */
  readonly routers?: number;
  /** Default 2. */
  readonly brokers?: number;
  readonly readyTimeoutMs?: number;
  /** Whether a router's start() waits for its /readyz (default true). A suite that starts
   * routers without a reachable Redis sets false and watches readiness itself. */
  readonly waitForRoutersReady?: boolean;
  /** LOG_LEVEL of every replica (default info). */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** One gateway process at a fixed address that a test can kill and start again. */
export interface Replica {
  readonly name: string;
  /** HTTP port (the router's /mcp, or the broker's /mcp and /status). */
  readonly port: number;
  readonly running: boolean;
  /** Everything the current (or last) process printed. */
  output(): string;
  /** SIGKILL, as a crashed node would. */
  kill(): Promise<void>;
  /** SIGTERM (graceful). */
  stop(): Promise<void>;
  /** Starts the process again on the same ports; resolves once it is listening. */
  start(): Promise<void>;
  /** GET /readyz and /healthz → their HTTP statuses (0 = nothing answered). */
  probes(): Promise<{ healthz: number; readyz: number }>;
}

/** The broker's /status, with the fields the scaling suites read on top of the gateway suites'. */
export interface ScaledBrokerStatus extends BrokerStatus {
  /** GET /mcp streams open on this broker. */
  notificationStreams: number;
}

export interface BrokerReplica extends Replica {
  readonly grpcPort: number;
  status(): Promise<ScaledBrokerStatus>;
}

export interface ScaledGateway {
  /** The clients' endpoint: the router balancer's /mcp. */
  readonly url: string;
  readonly routers: readonly Replica[];
  readonly brokers: readonly BrokerReplica[];
  readonly routerBalancer: RoundRobinBalancer;
  readonly brokerBalancer: RoundRobinBalancer;
  /** Waits until every named upstream is `ready` on every running broker. */
  waitForUpstreamsReady(names: readonly string[], timeoutMs?: number): Promise<void>;
  /** Routers, balancers, brokers (reverse order of start); removes the config directory. */
  stop(): Promise<void>;
}

async function httpStatus(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function untilReady(name: string, port: number, timeoutMs: number): Promise<void> {
  return waitFor(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200, {
    timeoutMs,
    what: `${name} to report ready`,
  }).then(() => undefined);
}

function createReplica(
  name: string,
  port: number,
  launch: () => Promise<ManagedProcess>,
  afterStart: () => Promise<void>,
): Replica {
  let current: ManagedProcess | undefined;
  let lastOutput = '';
  const base = `http://127.0.0.1:${port}`;
  const forget = (): void => {
    lastOutput = current?.output() ?? lastOutput;
    current = undefined;
  };
  return {
    name,
    port,
    get running() {
      return current !== undefined;
    },
    output: () => current?.output() ?? lastOutput,
    kill: async () => {
      await current?.kill();
      forget();
    },
    stop: async () => {
      await current?.stop();
      forget();
    },
    start: async () => {
      if (current) throw new Error(`${name} is already running`);
      current = await launch();
      await afterStart();
    },
    probes: async () => ({ healthz: await httpStatus(`${base}/healthz`), readyz: await httpStatus(`${base}/readyz`) }),
  };
}

export async function startScaledGateway(options: ScaledGatewayOptions): Promise<ScaledGateway> {
  const bundles = await ensureGatewayBundles();
  const directory = await mkdtemp(path.join(tmpdir(), 'mcp-gateway-scaling-'));
  const configPath = path.join(directory, 'gateway.yaml');
  await writeFile(configPath, gatewayConfigYaml(options.config));
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const env = {
    GATEWAY_SESSION_SECRET: randomBytes(32).toString('base64url'),
    CACHE_CONNECTION_STRING: options.redisUrl,
    LOG_LEVEL: options.logLevel ?? 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    GATEWAY_CONFIG: undefined,
  };

  const started: Replica[] = [];
  const balancers: RoundRobinBalancer[] = [];
  const stopAll = async (): Promise<void> => {
    for (const replica of [...started].reverse().filter((r) => r.name.startsWith('router'))) await replica.stop();
    for (const balancer of [...balancers].reverse()) await balancer.close();
    for (const replica of [...started].reverse().filter((r) => r.name.startsWith('broker'))) await replica.stop();
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const brokers: BrokerReplica[] = [];
    for (let index = 0; index < (options.brokers ?? 2); index += 1) {
      const httpPort = await freePort();
      const grpcPort = await freePort();
      const name = `broker-${index}`;
      const replica = createReplica(
        name,
        httpPort,
        () =>
          startProcess(process.execPath, [bundles.broker, '--config', configPath, '--http-port', String(httpPort), '--grpc-port', String(grpcPort)], {
            cwd: REPO_ROOT,
            env,
            readyPattern: /"msg":"broker listening"/,
            readyTimeoutMs,
          }),
        () => untilReady(name, httpPort, readyTimeoutMs),
      );
      const broker: BrokerReplica = Object.assign(replica, {
        grpcPort,
        status: async (): Promise<ScaledBrokerStatus> => {
          const response = await fetch(`http://127.0.0.1:${httpPort}/status`, { signal: AbortSignal.timeout(3_000) });
          if (!response.ok) throw new Error(`${name} /status answered ${response.status}`);
          return (await response.json()) as ScaledBrokerStatus;
        },
      });
      await broker.start();
      started.push(broker);
      brokers.push(broker);
    }

    const brokerBalancer = await startRoundRobinBalancer({
      name: 'broker balancer',
      backends: brokers.map((b) => `http://127.0.0.1:${b.port}`),
      readinessPath: '/readyz',
    });
    balancers.push(brokerBalancer);

    const routers: Replica[] = [];
    for (let index = 0; index < (options.routers ?? 3); index += 1) {
      const port = await freePort();
      const watched = brokers[index % brokers.length] as BrokerReplica;
      const name = `router-${index}`;
      const router = createReplica(
        name,
        port,
        () =>
          startProcess(
            process.execPath,
            [bundles.router, '--config', configPath, '--port', String(port), '--broker-url', brokerBalancer.origin, '--broker-grpc', `127.0.0.1:${watched.grpcPort}`],
            { cwd: REPO_ROOT, env, readyPattern: /"msg":"router listening"/, readyTimeoutMs },
          ),
        () => (options.waitForRoutersReady === false ? Promise.resolve() : untilReady(name, port, readyTimeoutMs)),
      );
      await router.start();
      started.push(router);
      routers.push(router);
    }

    const routerBalancer = await startRoundRobinBalancer({
      name: 'router balancer',
      backends: routers.map((r) => `http://127.0.0.1:${r.port}`),
      readinessPath: '/readyz',
    });
    balancers.push(routerBalancer);

    return {
      url: `${routerBalancer.origin}/mcp`,
      routers,
      brokers,
      routerBalancer,
      brokerBalancer,
      waitForUpstreamsReady: async (names, timeoutMs = 15_000) => {
        for (const broker of brokers.filter((b) => b.running)) {
          await waitFor(
            async () => {
              const status = await broker.status();
              return names.every((name) => status.upstreams.some((row) => row.name === name && row.state === 'ready'));
            },
            { timeoutMs, intervalMs: 50, what: `upstreams ${names.join(', ')} to be ready on ${broker.name}` },
          );
        }
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
