// Command-line flags and environment of the operator process, validated once at start.
// A flag wins over its environment variable, which wins over the default.
//   --host ADDRESS                 (OPERATOR_HOST)               probe server address, default 127.0.0.1
//   --probe-port N                 (OPERATOR_PROBE_PORT)         /healthz /readyz /metrics, default 8081
//   --log-level LEVEL              (LOG_LEVEL)                   default info
//   --kubeconfig FILE              (KUBECONFIG)                  default: in-cluster, else ~/.kube/config
//   --leader-elect true|false      (OPERATOR_LEADER_ELECT)       default true
//   --leader-election-namespace NS (POD_NAMESPACE)               default: the ServiceAccount's namespace, else default
//   --leader-election-id NAME      (OPERATOR_LEADER_ELECTION_ID) Lease name, default mcp-gateway-operator
//   --identity NAME                (POD_NAME)                    default <hostname>-<random>
//   --lease-duration-seconds S     default 15   (client-go's defaults; decimals allowed)
//   --renew-deadline-seconds S     default 10
//   --retry-period-seconds S       default 2
//   --resync-seconds S             (OPERATOR_RESYNC_SECONDS)     informer resync period, default 300
export interface OperatorFlags {
  readonly host: string;
  readonly probePort: number;
  readonly logLevel: string;
  readonly kubeconfig: string | undefined;
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace: string | undefined;
  readonly leaderElectionId: string;
  readonly identity: string | undefined;
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineSeconds: number;
  readonly retryPeriodSeconds: number;
  readonly resyncSeconds: number;
}

export class OperatorFlagError extends Error {}

const LOG_LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error']);
const FLAGS = [
  '--host',
  '--probe-port',
  '--log-level',
  '--kubeconfig',
  '--leader-elect',
  '--leader-election-namespace',
  '--leader-election-id',
  '--identity',
  '--lease-duration-seconds',
  '--renew-deadline-seconds',
  '--retry-period-seconds',
  '--resync-seconds',
] as const;
type Flag = (typeof FLAGS)[number];

function parsePort(raw: string, what: string): number {
  const port = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OperatorFlagError(`${what}: expected a port number 0-65535, got "${raw}"`);
  }
  return port;
}

function parseSeconds(raw: string, what: string): number {
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw new OperatorFlagError(`${what}: expected a positive number of seconds, got "${raw}"`);
  return seconds;
}

function parseBoolean(raw: string, what: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new OperatorFlagError(`${what}: expected true or false, got "${raw}"`);
}

export function parseOperatorFlags(argv: readonly string[], env: NodeJS.ProcessEnv): OperatorFlags {
  const given = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (!(FLAGS as readonly string[]).includes(name)) throw new OperatorFlagError(`unknown flag ${name} (known: ${FLAGS.join(', ')})`);
    const value = equals === -1 ? argv[i + 1] : arg.slice(equals + 1);
    if (equals === -1) i += 1;
    if (value === undefined || value === '') throw new OperatorFlagError(`${name}: missing value`);
    given.set(name as Flag, value);
  }
  const pick = (flag: Flag, variable?: string): { value: string; what: string } | undefined => {
    const fromFlag = given.get(flag);
    if (fromFlag !== undefined) return { value: fromFlag, what: flag };
    const fromEnv = variable === undefined ? undefined : env[variable];
    return fromEnv === undefined || fromEnv === '' ? undefined : { value: fromEnv, what: variable as string };
  };
  const seconds = (flag: Flag, fallback: number, variable?: string) => {
    const found = pick(flag, variable);
    return found === undefined ? fallback : parseSeconds(found.value, found.what);
  };
  const probePort = pick('--probe-port', 'OPERATOR_PROBE_PORT');
  const leaderElect = pick('--leader-elect', 'OPERATOR_LEADER_ELECT');
  const logLevel = pick('--log-level', 'LOG_LEVEL')?.value ?? 'info';
  if (!LOG_LEVELS.has(logLevel)) throw new OperatorFlagError(`log level must be one of ${[...LOG_LEVELS].join(', ')}`);
  const flags: OperatorFlags = {
    host: pick('--host', 'OPERATOR_HOST')?.value ?? '127.0.0.1',
    probePort: probePort === undefined ? 8081 : parsePort(probePort.value, probePort.what),
    logLevel,
    kubeconfig: pick('--kubeconfig', 'KUBECONFIG')?.value,
    leaderElect: leaderElect === undefined ? true : parseBoolean(leaderElect.value, leaderElect.what),
    leaderElectionNamespace: pick('--leader-election-namespace', 'POD_NAMESPACE')?.value,
    leaderElectionId: pick('--leader-election-id', 'OPERATOR_LEADER_ELECTION_ID')?.value ?? 'mcp-gateway-operator',
    identity: pick('--identity', 'POD_NAME')?.value,
    leaseDurationSeconds: seconds('--lease-duration-seconds', 15),
    renewDeadlineSeconds: seconds('--renew-deadline-seconds', 10),
    retryPeriodSeconds: seconds('--retry-period-seconds', 2),
    resyncSeconds: seconds('--resync-seconds', 300, 'OPERATOR_RESYNC_SECONDS'),
  };
  if (!(flags.retryPeriodSeconds < flags.renewDeadlineSeconds && flags.renewDeadlineSeconds < flags.leaseDurationSeconds)) {
    throw new OperatorFlagError('leader election needs retry-period < renew-deadline < lease-duration');
  }
  return flags;
}
