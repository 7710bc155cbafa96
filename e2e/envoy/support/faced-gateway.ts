// The gateway as a client meets it through each of the router's two faces, for the
// two-face suite: broker and router as separate processes (the bundles e2e/gateway builds),
// the router serving both its HTTP face and its ext_proc face (`--ext-proc-port 0`).
// - `http`: clients talk to the router's own /mcp (standalone, no Envoy);
// - `ext-proc`: clients talk to an Envoy emulator configured as the docs tell a standalone
//   Envoy to be: ext_proc filter pointing at the router (the gateway's processing mode,
//   allow_mode_override, allow_all_routing, 10 s message timeout), one virtual host per
//   upstream authority, and the broker behind every other authority.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess, waitFor, type ManagedProcess } from '@mcp-gateway/testing';
import { ensureGatewayBundles, REPO_ROOT } from '../../gateway/support/gateway-bundles';
import { gatewayConfigYaml, type GatewayServerEntry } from '../../gateway/support/gateway-processes';
import { EnvoyEmulator } from './envoy-emulator';

export type GatewayFace = 'http' | 'ext-proc';
export const GATEWAY_FACES: readonly GatewayFace[] = ['http', 'ext-proc'];

export interface FacedGateway {
  readonly face: GatewayFace;
  /** The MCP endpoint clients use. */
  readonly url: string;
  readonly brokerStatusUrl: string;
  /** The router's own /mcp (its HTTP face). */
  readonly routerUrl: string;
  /** host:port of the router's ext_proc face (served for both faces). */
  readonly extProcAddress: string;
  /** The emulated Envoy in front (ext-proc face only). */
  readonly envoy: EnvoyEmulator | undefined;
  waitForUpstreamsReady(names: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

function lineOf(child: ManagedProcess, message: string): Record<string, unknown> {
  const line = child.output().split('\n').find((text) => text.includes(`"msg":"${message}"`));
  if (line === undefined) throw new Error(`no "${message}" line in:\n${child.output().slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

function portOf(line: Record<string, unknown>, field: string): number {
  const value = line[field];
  if (typeof value !== 'number' || value <= 0) throw new Error(`no ${field} in ${JSON.stringify(line)}`);
  return value;
}

export async function startFacedGateway(face: GatewayFace, servers: readonly GatewayServerEntry[]): Promise<FacedGateway> {
  const bundles = await ensureGatewayBundles();
  const directory = await mkdtemp(path.join(tmpdir(), 'mcp-gateway-envoy-'));
  const configPath = path.join(directory, 'gateway.yaml');
  await writeFile(configPath, gatewayConfigYaml({ servers }));
  const env = {
    GATEWAY_SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'info',
    CACHE_CONNECTION_STRING: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    GATEWAY_CONFIG: undefined,
  };
  const started: ManagedProcess[] = [];
  let envoy: EnvoyEmulator | undefined;
  try {
    const broker = await startProcess(process.execPath, [bundles.broker, '--config', configPath, '--http-port', '0', '--grpc-port', '0'], {
      cwd: REPO_ROOT,
      env,
      readyPattern: /"msg":"broker listening"/,
      readyTimeoutMs: 20_000,
    });
    started.push(broker);
    const brokerLine = lineOf(broker, 'broker listening');
    const brokerOrigin = `http://127.0.0.1:${portOf(brokerLine, 'httpPort')}`;
    const router = await startProcess(
      process.execPath,
      [bundles.router, '--config', configPath, '--port', '0', '--ext-proc-port', '0', '--broker-url', brokerOrigin, '--broker-grpc', `127.0.0.1:${portOf(brokerLine, 'grpcPort')}`],
      { cwd: REPO_ROOT, env, readyPattern: /"msg":"router listening"/, readyTimeoutMs: 20_000 },
    );
    started.push(router);
    const routerLine = lineOf(router, 'router listening');
    const routerPort = portOf(routerLine, 'port');
    const extProcAddress = `127.0.0.1:${portOf(routerLine, 'extProcPort')}`;
    await waitFor(async () => (await fetch(`http://127.0.0.1:${routerPort}/readyz`)).ok, { timeoutMs: 20_000, what: 'the router to be ready' });
    if (face === 'ext-proc') {
      envoy = await EnvoyEmulator.start({
        processorAddress: extProcAddress,
        routes: [
          ...servers.map((server) => ({ authority: new URL(server.url).host, backend: new URL(server.url).origin })),
          // Calls across protocol eras: the router bridges them on its own HTTP face.
          { authority: '*', headers: { 'x-mcp-route': 'router' }, backend: `http://127.0.0.1:${routerPort}` },
        ],
        defaultBackend: brokerOrigin,
        processingMode: { request_header_mode: 'SEND', response_header_mode: 'SEND', request_body_mode: 'BUFFERED', response_body_mode: 'STREAMED' },
        allowModeOverride: true,
        mutationRules: { allowAllRouting: true },
        messageTimeoutMs: 10_000,
        bufferLimitBytes: 4 * 1024 * 1024,
      });
    }
    const brokerStatusUrl = `${brokerOrigin}/status`;
    const frontDoor = envoy;
    return {
      face,
      url: frontDoor ? frontDoor.url : `http://127.0.0.1:${routerPort}/mcp`,
      brokerStatusUrl,
      routerUrl: `http://127.0.0.1:${routerPort}/mcp`,
      extProcAddress,
      envoy: frontDoor,
      waitForUpstreamsReady: async (names) => {
        await waitFor(
          async () => {
            const status = (await (await fetch(brokerStatusUrl)).json()) as { upstreams: Array<{ name: string; state: string }> };
            return names.every((name) => status.upstreams.some((row) => row.name === name && row.state === 'ready'));
          },
          { timeoutMs: 15_000, intervalMs: 50, what: `upstreams ${names.join(', ')} to be ready` },
        );
      },
      stop: async () => {
        await frontDoor?.close();
        await router.stop();
        await broker.stop();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await envoy?.close();
    for (const child of started.reverse()) await child.kill();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
