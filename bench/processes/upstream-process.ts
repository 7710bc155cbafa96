// Starts the fast upstream (bench/upstream/main.ts) as its own process, so its CPU is not
// mixed with the orchestrator's or the load generator's.
import path from 'node:path';
import { REPO_ROOT } from '../bench-paths';
import { BenchProcess } from './bench-process';

export interface UpstreamProcess {
  readonly port: number;
  readonly pid: number;
  url(path?: string): string;
  close(): Promise<void>;
}

export async function startUpstreamProcess(options: { toolCount: number; name?: string }): Promise<UpstreamProcess> {
  const { process: child, readyLine } = await BenchProcess.start({
    name: options.name ?? 'fast upstream',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'upstream', 'main.ts'), '--tools', String(options.toolCount)],
    cwd: REPO_ROOT,
    ipc: true,
    isReadyLine: (line) => line['msg'] === 'upstream listening' && typeof line['port'] === 'number',
    readyTimeoutMs: 20_000,
  });
  const port = readyLine['port'] as number;
  return {
    port,
    pid: child.pid,
    url: (urlPath = '/mcp') => `http://127.0.0.1:${port}${urlPath}`,
    close: () => child.stop(),
  };
}
