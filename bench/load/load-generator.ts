// The orchestrator's handle on the load-generator process (bench/load/main.ts): starts it,
// sends it one job at a time, and stops it. The generator is a separate process so that it
// never shares an event loop with a server under test.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadReplyMessage, LoadRequestMessage, LoadResultFor } from './load-job';

export class LoadGeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadGeneratorError';
  }
}

const WORKER_PATH = fileURLToPath(new URL('./main.ts', import.meta.url));

export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: LoadReplyMessage) => void; reject: (error: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: LoadReplyMessage) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiting of this.pending.values()) {
        waiting.reject(new LoadGeneratorError(`load generator exited (code ${code}, signal ${signal})`));
      }
      this.pending.clear();
    });
  }

  static start(): LoadGenerator {
    const child = fork(WORKER_PATH, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new LoadGenerator(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Runs one job; rejects if it has not finished within `timeoutMs`. */
  run<J extends LoadJob>(job: J, timeoutMs: number): Promise<LoadResultFor<J>> {
    if (this.exited) return Promise.reject(new LoadGeneratorError('load generator is not running'));
    const id = this.nextId++;
    return new Promise<LoadResultFor<J>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LoadGeneratorError(`load job ${job.kind} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.ok) resolve(reply.result as LoadResultFor<J>);
          else reject(new LoadGeneratorError(`load job ${job.kind} failed: ${reply.error}`));
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, job } satisfies LoadRequestMessage);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
