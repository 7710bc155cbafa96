// A private redis-server for one test suite, on a free loopback port, never the shared one
// on 6379. stop()/kill() and start() restart it on the SAME port, so a suite can take Redis
// away under a live client and bring it back (persistence is off: a restart is empty).

import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from './free-port';
import { ProcessStartError, startProcess } from './managed-process';
import type { ManagedProcess } from './managed-process';

export interface StartRedisServerOptions {
  /** Fixed port; default a free one (retried if another process takes it first). */
  readonly port?: number;
  /** Extra redis-server arguments, e.g. `['--requirepass', 'secret']`. */
  readonly args?: readonly string[];
}

export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** SIGTERM (SIGKILL after 5 s); resolves once the server has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGKILL, as a crash would; resolves once the server has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): Promise<void>;
  /** SIGCONT after pause(). */
  resume(): Promise<void>;
  /** Everything the current server process printed. */
  output(): string;
}

const READY_LINE = /Ready to accept connections/;

export class RedisServerMissingError extends Error {
  override readonly name = 'RedisServerMissingError';
}

export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const extraArgs = options.args ?? [];
  const attempts = options.port === undefined ? 5 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      const first = await spawnRedis(port, extraArgs);
      return handleFor(port, extraArgs, first);
    } catch (error) {
      if (error instanceof RedisServerMissingError) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function spawnRedis(port: number, extraArgs: readonly string[]): Promise<ManagedProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extraArgs];
  let server: ManagedProcess;
  try {
    // cwd: redis-server may write files relative to its working directory; keep them out of the repo.
    server = await startProcess('redis-server', args, { cwd: tmpdir(), readyPattern: READY_LINE, readyTimeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof ProcessStartError && /ENOENT/.test(error.message)) {
      throw new RedisServerMissingError(
        'redis-server is not installed (not found on PATH). `npm test` installs it; or run `sudo apt-get install -y redis-server`.',
        { cause: error },
      );
    }
    throw error;
  }
  try {
    await answersPing(port, 5000);
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
}

function handleFor(port: number, extraArgs: readonly string[], first: ManagedProcess): RedisServerHandle {
  let current: ManagedProcess | undefined = first;
  let paused = false;
  const running = (): ManagedProcess | undefined => current;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      const server = running();
      if (!server) return;
      if (paused) await this.resume();
      await server.stop('SIGTERM');
      current = undefined;
    },
    async kill() {
      const server = running();
      if (!server) return;
      await server.kill();
      paused = false;
      current = undefined;
    },
    async start() {
      if (running()) throw new Error(`redis-server on port ${port} is already running`);
      current = await spawnRedis(port, extraArgs);
    },
    async pause() {
      const server = running();
      if (!server || paused) return;
      process.kill(server.pid, 'SIGSTOP');
      paused = true;
    },
    async resume() {
      const server = running();
      if (!server || !paused) return;
      process.kill(server.pid, 'SIGCONT');
      paused = false;
    },
    output: () => running()?.output() ?? '',
  };
}

/** Resolves once the server answers an inline PING with any reply (+PONG, or -NOAUTH when
 * a password is required: either way it is serving). */
function answersPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const once = (): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      let reply = '';
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString('latin1');
        if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      });
    });
  return (async () => {
    for (;;) {
      if (await once()) return;
      if (Date.now() >= deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
}
