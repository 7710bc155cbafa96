// The operator's process shell: reads flags, loads the kubeconfig (KUBECONFIG / --kubeconfig,
// else in-cluster with the pod's ServiceAccount, else ~/.kube/config), serves /healthz,
// /readyz and /metrics, starts the operator, and stops it on SIGTERM/SIGINT (a leader hands
// its Lease back on the way out). A replica that loses the Lease exits, so its supervisor
// restarts it as a fresh candidate, as controller-runtime managers do.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { createLogger, createMetricsRegistry, startOpsServer } from '@mcp-gateway/telemetry';
import { componentImagesFromEnv } from './gateway-extension/component-images';
import { OperatorFlagError, parseOperatorFlags } from './operator-flags';
import { startOperator } from './start-operator';

const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function inClusterNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const flags = parseOperatorFlags(process.argv.slice(2), process.env);
  const logger = createLogger({ service: 'operator', level: flags.logLevel });
  const kubeconfig = new k8s.KubeConfig();
  if (flags.kubeconfig !== undefined) kubeconfig.loadFromFile(flags.kubeconfig);
  else kubeconfig.loadFromDefault();
  const identity = flags.identity ?? `${hostname()}-${randomBytes(4).toString('hex')}`;
  const registry = createMetricsRegistry('operator');
  let exiting = false;
  const operator = await startOperator({
    kubeconfig,
    logger,
    registry,
    images: componentImagesFromEnv(process.env),
    identity,
    resyncPeriodMs: flags.resyncSeconds * 1000,
    leaderElection: flags.leaderElect
      ? {
          namespace: flags.leaderElectionNamespace ?? inClusterNamespace() ?? 'default',
          leaseName: flags.leaderElectionId,
          leaseDurationMs: flags.leaseDurationSeconds * 1000,
          renewDeadlineMs: flags.renewDeadlineSeconds * 1000,
          retryPeriodMs: flags.retryPeriodSeconds * 1000,
        }
      : undefined,
    onLostLeadership: () => {
      logger.error('lost the leader Lease; exiting so a fresh replica can campaign');
      void shutdown('lost-leadership', 1);
    },
  });
  const ops = await startOpsServer({ host: flags.host, port: flags.probePort, readiness: () => operator.ready(), registry, logger });
  logger.info({ probePort: ops.port, identity, server: kubeconfig.getCurrentCluster()?.server, leaderElection: flags.leaderElect }, 'operator started');

  async function shutdown(reason: string, code: number): Promise<void> {
    if (exiting) return;
    exiting = true;
    logger.info({ reason }, 'operator stopping');
    await operator.stop();
    await ops.close();
    process.exit(code);
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
}

main().catch((error: unknown) => {
  const message = error instanceof OperatorFlagError ? error.message : String(error);
  console.error(JSON.stringify({ level: 'fatal', service: 'operator', msg: 'operator failed to start', error: message }));
  process.exit(error instanceof OperatorFlagError ? 2 : 1);
});
