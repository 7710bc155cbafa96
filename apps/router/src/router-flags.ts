// Command-line flags and environment of the router process, validated once at start
// (CORE.md "Ports, flags, processes"). A flag wins over its environment variable.

export interface RouterFlags {
  /** Gateway config file (YAML). */
  readonly configPath: string;
  readonly host: string;
  /** Default 8080; 0 = pick a free port. */
  readonly port: number;
  /** The broker's HTTP base URL. */
  readonly brokerUrl: string;
  /** host:port of the broker's gRPC routing-table service. */
  readonly brokerGrpcAddress: string;
  /** Port of the Envoy ext_proc face (gRPC); undefined = not served. 0 = pick a free port. */
  readonly extProcPort?: number;
}

export class RouterFlagError extends Error {
  override readonly name = 'RouterFlagError';
}

export const ROUTER_USAGE =
  'usage: router --config FILE --broker-url http://HOST:PORT --broker-grpc HOST:PORT [--port N (default 8080, 0 = any free)] [--host ADDRESS (default 127.0.0.1)] [--ext-proc-port N (Envoy ext_proc gRPC face; off by default)]\n' +
  '  env: GATEWAY_CONFIG, BROKER_URL, BROKER_GRPC_ADDRESS, ROUTER_PORT, ROUTER_HOST, ROUTER_EXT_PROC_PORT, GATEWAY_SESSION_SECRET';

export const DEFAULT_ROUTER_PORT = 8080;

const FLAGS = ['--config', '--port', '--host', '--broker-url', '--broker-grpc', '--ext-proc-port'] as const;
type Flag = (typeof FLAGS)[number];

function parsePort(raw: string, what: string): number {
  const port = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RouterFlagError(`${what}: expected a port number 0-65535, got "${raw}"`);
  }
  return port;
}

function parseBrokerUrl(raw: string, what: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RouterFlagError(`${what}: expected an http(s) URL such as http://127.0.0.1:8080, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RouterFlagError(`${what}: expected http or https, got "${url.protocol}"`);
  return url.href;
}

function parseGrpcAddress(raw: string, what: string): string {
  const match = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(raw);
  if (!match) throw new RouterFlagError(`${what}: expected HOST:PORT, got "${raw}"`);
  parsePort(match[2] ?? '', what);
  return raw;
}

export function parseRouterFlags(argv: readonly string[], env: NodeJS.ProcessEnv): RouterFlags {
  const given = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (!(FLAGS as readonly string[]).includes(name)) {
      throw new RouterFlagError(`unknown flag ${arg} (known: ${FLAGS.join(', ')})\n${ROUTER_USAGE}`);
    }
    let value: string | undefined;
    if (equals !== -1) {
      value = arg.slice(equals + 1);
    } else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') throw new RouterFlagError(`${name}: missing value`);
    given.set(name as Flag, value);
  }
  const pick = (flag: Flag, variable: string): { value: string; what: string } | undefined => {
    const fromFlag = given.get(flag);
    if (fromFlag !== undefined) return { value: fromFlag, what: flag };
    const fromEnv = env[variable];
    return fromEnv === undefined || fromEnv === '' ? undefined : { value: fromEnv, what: variable };
  };
  const require = (flag: Flag, variable: string): { value: string; what: string } => {
    const found = pick(flag, variable);
    if (!found) throw new RouterFlagError(`${flag} (or ${variable}) is required\n${ROUTER_USAGE}`);
    return found;
  };

  const config = require('--config', 'GATEWAY_CONFIG');
  const brokerUrl = require('--broker-url', 'BROKER_URL');
  const brokerGrpc = require('--broker-grpc', 'BROKER_GRPC_ADDRESS');
  const port = pick('--port', 'ROUTER_PORT');
  const host = pick('--host', 'ROUTER_HOST');
  const extProcPort = pick('--ext-proc-port', 'ROUTER_EXT_PROC_PORT');
  return {
    configPath: config.value,
    host: host?.value ?? '127.0.0.1',
    port: port ? parsePort(port.value, port.what) : DEFAULT_ROUTER_PORT,
    brokerUrl: parseBrokerUrl(brokerUrl.value, brokerUrl.what),
    brokerGrpcAddress: parseGrpcAddress(brokerGrpc.value, brokerGrpc.what),
    ...(extProcPort ? { extProcPort: parsePort(extProcPort.value, extProcPort.what) } : {}),
  };
}
