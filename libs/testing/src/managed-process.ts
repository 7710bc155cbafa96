// Runs a child process for a test: captures its output, waits for a readiness line, and
// always reaps it — stop() sends SIGTERM and escalates to SIGKILL after a grace period, and
// anything still running when the test process exits is SIGKILLed, so a failing test can
// never leave a server behind on a port.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface StartProcessOptions {
  /** Added to (and overriding) the parent's environment; an `undefined` value removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Resolve only once stdout or stderr matches this; otherwise resolve once spawned. */
  readonly readyPattern?: RegExp;
  /** How long to wait for `readyPattern` (default 10000 ms); the process is killed on timeout. */
  readonly readyTimeoutMs?: number;
  /** How long stop() waits after its signal before it sends SIGKILL (default 5000 ms). */
  readonly stopGraceMs?: number;
}

export interface ManagedProcess {
  readonly pid: number;
  /** Everything written to stdout and stderr so far, interleaved in arrival order
   * (the oldest output is dropped beyond 4 MiB). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (past or future); rejects
   * when the process exits first or `timeoutMs` (default 10000) passes. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (default SIGTERM), then SIGKILL after the grace period; resolves once
   * the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL, resolving once the process has exited. */
  kill(): Promise<void>;
  /** The exit code, or null when a signal ended the process. Never rejects. */
  readonly exited: Promise<number | null>;
}

export class ProcessStartError extends Error {
  override readonly name = 'ProcessStartError';
}

const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
const running = new Set<ChildProcess>();
let reaperInstalled = false;

function installReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function startProcess(
  command: string,
  args: readonly string[],
  options: StartProcessOptions = {},
): Promise<ManagedProcess> {
  installReaper();
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...options.env })) {
    if (value !== undefined) env[name] = value;
  }
  const child = spawn(command, [...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });

  let output = '';
  const listeners = new Set<() => void>();
  const append = (text: string): void => {
    if (text.length === 0) return;
    output += text;
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(output.length - MAX_OUTPUT_CHARS);
    for (const listener of listeners) listener();
  };
  for (const stream of [child.stdout, child.stderr]) {
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => append(decoder.write(chunk)));
    stream.on('end', () => append(decoder.end()));
  }

  let hasExited = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      hasExited = true;
      running.delete(child);
      for (const listener of listeners) listener();
      resolve(code);
    });
  });

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error) => {
      reject(new ProcessStartError(`could not start \`${command}\`: ${error.message}`, { cause: error }));
    });
  });
  running.add(child);
  // A late error (e.g. a signal the OS refuses) must not crash the test process.
  child.on('error', (error) => append(`\n[managed-process] ${error.message}\n`));
  const pid = child.pid;
  if (pid === undefined) throw new ProcessStartError(`\`${command}\` started without a pid`);

  const describe = `\`${[command, ...args].join(' ')}\` (pid ${pid})`;
  const tail = (): string => output.slice(-2000);

  const waitForOutput = (pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> => {
    // A global or sticky pattern keeps state between exec() calls; match with a fresh one.
    const matcher = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        listeners.delete(check);
        clearTimeout(timer);
      };
      const check = (): void => {
        const match = matcher.exec(output);
        if (match) {
          finish();
          resolve(match);
        } else if (hasExited) {
          finish();
          reject(new ProcessStartError(`${describe} exited before printing ${pattern}; output:\n${tail()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new ProcessStartError(`${describe} did not print ${pattern} within ${timeoutMs} ms; output:\n${tail()}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  };

  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (hasExited) return;
    child.kill(signal);
    if (signal === 'SIGKILL') {
      await exited;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = setTimeout(() => resolve('grace-over'), graceMs);
    });
    const outcome = await Promise.race([exited, graceOver]);
    clearTimeout(timer);
    if (outcome === 'grace-over' && !hasExited) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const managed: ManagedProcess = {
    pid,
    output: () => output,
    waitForOutput,
    stop: (signal = 'SIGTERM') => signalAndWait(signal, options.stopGraceMs ?? 5000),
    kill: () => signalAndWait('SIGKILL', 0),
    exited,
  };

  if (options.readyPattern) {
    try {
      await waitForOutput(options.readyPattern, options.readyTimeoutMs ?? 10_000);
    } catch (error) {
      await managed.kill();
      throw error;
    }
  }
  return managed;
}
