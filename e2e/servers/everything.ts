// Runs the reference "everything" server (@modelcontextprotocol/server-everything, built on
// SDK 1.x) in Streamable HTTP mode as a child process, as a second, independently written
// upstream for the gateway's tests. It listens on every interface and has no host option,
// so it is started with loopback-preload.cjs, which forces its listen onto 127.0.0.1.
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, type ManagedProcess } from '@mcp-gateway/testing';
import { isMainModule, runServerCli, type ListeningServer } from './server-cli';

export const EVERYTHING_SERVER_NAME = 'everything';

const EVERYTHING_CLI = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);
const LOOPBACK_PRELOAD = fileURLToPath(new URL('./loopback-preload.cjs', import.meta.url));

export interface EverythingServer extends ListeningServer {
  readonly process: ManagedProcess;
}

export interface EverythingServerOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** How long to wait for it to listen; default 15 s (it loads a lot at start). */
  readyTimeoutMs?: number;
}

export async function startEverythingServer(options: EverythingServerOptions = {}): Promise<EverythingServer> {
  // The server reads PORT and prints the number it was given, so pick the port here
  // rather than asking it for port 0.
  const port = options.port || (await freePort());
  const child = await startProcess(process.execPath, ['--require', LOOPBACK_PRELOAD, EVERYTHING_CLI, 'streamableHttp'], {
    env: { PORT: String(port) },
    readyPattern: /listening on port/i,
    readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    process: child,
    close: () => child.stop(),
  };
}

if (isMainModule(import.meta.url)) await runServerCli(EVERYTHING_SERVER_NAME, startEverythingServer);
