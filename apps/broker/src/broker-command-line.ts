// The broker's command line: flags win over environment variables, which win over the
// defaults. Validated here, once; everything after receives typed values.
//   --config FILE      (GATEWAY_CONFIG)      the gateway configuration file, required
//   --http-port N      (BROKER_HTTP_PORT)    default 8081; 0 = pick a free port
//   --grpc-port N      (BROKER_GRPC_PORT)    default 50051; 0 = pick a free port
//   --host ADDRESS     (BROKER_HOST)         default 127.0.0.1
import { parseArgs } from 'node:util';

export interface BrokerCommandLine {
  readonly configPath: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly host: string;
  readonly help: boolean;
}

export const BROKER_USAGE = `usage: broker --config FILE [--http-port N] [--grpc-port N] [--host ADDRESS]
  --config FILE      gateway configuration file (env GATEWAY_CONFIG)
  --http-port N      HTTP port for /mcp, /status, /healthz, /readyz, /metrics (env BROKER_HTTP_PORT, default 8081, 0 = any free port)
  --grpc-port N      gRPC port for the routing table (env BROKER_GRPC_PORT, default 50051, 0 = any free port)
  --host ADDRESS     address to bind (env BROKER_HOST, default 127.0.0.1)`;

export const DEFAULT_BROKER_HTTP_PORT = 8081;
export const DEFAULT_BROKER_GRPC_PORT = 50051;

export class BrokerUsageError extends Error {
  readonly code = 'BROKER_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUsageError';
  }
}

export function parseBrokerCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): BrokerCommandLine {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        'http-port': { type: 'string' },
        'grpc-port': { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BrokerUsageError((error as Error).message);
  }
  if (values.help) return { configPath: '', httpPort: 0, grpcPort: 0, host: '', help: true };
  const configPath = values.config ?? env['GATEWAY_CONFIG'];
  if (!configPath) throw new BrokerUsageError('a configuration file is required (--config FILE or GATEWAY_CONFIG)');
  return {
    configPath,
    httpPort: port('--http-port', values['http-port'] ?? env['BROKER_HTTP_PORT'], DEFAULT_BROKER_HTTP_PORT),
    grpcPort: port('--grpc-port', values['grpc-port'] ?? env['BROKER_GRPC_PORT'], DEFAULT_BROKER_GRPC_PORT),
    host: values.host ?? env['BROKER_HOST'] ?? '127.0.0.1',
    help: false,
  };
}

function port(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new BrokerUsageError(`${flag} must be an integer from 0 to 65535, got "${raw}"`);
  }
  return value;
}
