// A server process the benchmark starts and must stop: spawned with piped output (only the
// last 64 KiB are kept, so a chatty process cannot grow the orchestrator), considered ready
// when it prints a JSON log line the caller recognises (e.g. `{"msg":"router listening",
// "port":N}`), stopped with SIGTERM then SIGKILL.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

const OUTPUT_TAIL_CHARS = 64 * 1024;

export class ProcessStartError extends Error {
  constructor(
    readonly processName: string,
    readonly reason: string,
    readonly outputTail: string,
  ) {
    super(`${processName} did not start: ${reason}`);
    this.name = 'ProcessStartError';
  }
}

export interface BenchProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Give the child an IPC channel: our own server entry points stop when it closes, so they
   * cannot outlive the benchmark even if it is killed. */
  readonly ipc?: boolean;
  /** Recognises the readiness line among the JSON lines the process prints. */
  readonly isReadyLine: (line: Record<string, unknown>) => boolean;
  readonly readyTimeoutMs: number;
}

export class BenchProcess {
  private tail = '';
  private lineBuffer = '';
  private exitCode: number | null | undefined;
  private readonly exitWaiters: Array<() => void> = [];

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts the process and waits for its readiness line, which it returns parsed. */
  static start(options: BenchProcessOptions): Promise<{ process: BenchProcess; readyLine: Record<string, unknown> }> {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    const bench = new BenchProcess(options.name, child);
    child.on('exit', (code) => {
      bench.exitCode = code;
      for (const waiter of bench.exitWaiters.splice(0)) waiter();
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (reason: string): void =>
        settle(() => {
          void bench.stop().finally(() => reject(new ProcessStartError(options.name, reason, bench.outputTail())));
        });
      const timer = setTimeout(() => fail(`no readiness line within ${options.readyTimeoutMs} ms`), options.readyTimeoutMs);
      bench.onLine = (line) => {
        if (settled || !line.startsWith('{')) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return;
        }
        if (typeof parsed === 'object' && parsed !== null && options.isReadyLine(parsed as Record<string, unknown>)) {
          settle(() => resolve({ process: bench, readyLine: parsed as Record<string, unknown> }));
        }
      };
      child.on('error', (error) => fail(error.message));
      child.on('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
      child.stdout?.on('data', (chunk: Buffer) => bench.onOutput(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => bench.onOutput(chunk.toString()));
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines the process printed (stdout and stderr), at most `maxChars`. */
  outputTail(maxChars = 2_000): string {
    return this.tail.slice(-maxChars);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private onLine: (line: string) => void = () => undefined;

  private onOutput(text: string): void {
    this.tail = (this.tail + text).slice(-OUTPUT_TAIL_CHARS);
    this.lineBuffer += text;
    let newline = this.lineBuffer.indexOf('\n');
    while (newline >= 0) {
      this.onLine(this.lineBuffer.slice(0, newline).trim());
      this.lineBuffer = this.lineBuffer.slice(newline + 1);
      newline = this.lineBuffer.indexOf('\n');
    }
    // A process that prints no newline for a long time must not grow the buffer unbounded.
    if (this.lineBuffer.length > OUTPUT_TAIL_CHARS) this.lineBuffer = '';
  }
}
