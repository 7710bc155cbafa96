// Starts the plain reverse proxy (bench/plain-proxy.ts) as its own process in front of a
// target, the way the gateway runs as its own processes.
import path from 'node:path';
import { REPO_ROOT } from '../bench-paths';
import { BenchProcess } from './bench-process';

export interface PlainProxyProcess {
  readonly port: number;
  readonly pid: number;
  close(): Promise<void>;
}

export async function startPlainProxyProcess(target: string): Promise<PlainProxyProcess> {
  const { process: child, readyLine } = await BenchProcess.start({
    name: 'plain proxy',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'plain-proxy.ts'), '--target', target],
    cwd: REPO_ROOT,
    ipc: true,
    isReadyLine: (line) => line['msg'] === 'plain proxy listening' && typeof line['port'] === 'number',
    readyTimeoutMs: 20_000,
  });
  return { port: readyLine['port'] as number, pid: child.pid, close: () => child.stop() };
}
