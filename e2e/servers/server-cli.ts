// The command-line shell every fixture server shares: reads the port (`--port N` or env
// PORT, 0 = a free port), starts the server, prints ONE JSON line on stdout once it listens
// (what test harnesses wait for), and closes cleanly on SIGTERM/SIGINT.
// It holds no behaviour of its own; the servers live in their modules.
import { pathToFileURL } from 'node:url';

export interface ListeningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Several servers started by one command (the demo set): one "listening" line each. */
export interface ListeningServerGroup {
  readonly members: ReadonlyArray<{ readonly name: string; readonly server: ListeningServer }>;
  close(): Promise<void>;
}

export class PortOptionError extends Error {
  constructor(readonly value: string) {
    super(`port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
    this.name = 'PortOptionError';
  }
}

/** `--port N`, `--port=N`, else env PORT, else 0. */
export function parsePortOption(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let raw: string | undefined;
  argv.forEach((arg, index) => {
    if (arg === '--port') raw = argv[index + 1] ?? '';
    else if (arg.startsWith('--port=')) raw = arg.slice('--port='.length);
  });
  raw ??= env['PORT'];
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new PortOptionError(raw);
  return Number(raw);
}

export async function runServerCli(
  name: string,
  start: (options: { port: number }) => Promise<ListeningServer | ListeningServerGroup>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  let port: number;
  try {
    port = parsePortOption(argv, process.env);
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const server = await start({ port });
  const members = 'members' in server ? server.members : [{ name, server }];
  for (const member of members) {
    const { port: listeningPort, url } = member.server;
    process.stdout.write(`${JSON.stringify({ msg: 'listening', name: member.name, port: listeningPort, url })}\n`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => {
        process.stdout.write(`${JSON.stringify({ msg: 'stopped', name, signal })}\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`${name}: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** True when `moduleUrl` (import.meta.url) is the script node was asked to run. */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === moduleUrl;
}
