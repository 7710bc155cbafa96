// Command-line flags and environment of the operator process, validated once at start.
export interface OperatorFlags {
  readonly host: string;
  readonly probePort: number;
  readonly logLevel: string;
}

export class OperatorFlagError extends Error {}

const LOG_LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error']);

function parsePort(raw: string, what: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OperatorFlagError(`${what}: expected a port number 0-65535, got "${raw}"`);
  }
  return port;
}

export function parseOperatorFlags(argv: readonly string[], env: NodeJS.ProcessEnv): OperatorFlags {
  let host = env['OPERATOR_HOST'] ?? '127.0.0.1';
  let probePort = parsePort(env['OPERATOR_PROBE_PORT'] ?? '8081', 'OPERATOR_PROBE_PORT');
  let logLevel = env['LOG_LEVEL'] ?? 'info';
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new OperatorFlagError(`${flag}: missing value`);
    if (flag === '--host') host = value;
    else if (flag === '--probe-port') probePort = parsePort(value, '--probe-port');
    else if (flag === '--log-level') logLevel = value;
    else throw new OperatorFlagError(`unknown flag ${flag} (known: --host, --probe-port, --log-level)`);
    i += 1;
  }
  if (!LOG_LEVELS.has(logLevel)) throw new OperatorFlagError(`log level must be one of ${[...LOG_LEVELS].join(', ')}`);
  return { host, probePort, logLevel };
}
