// For the operator's specs: runs the operator in this process against the API server a
// kubeconfig names, with its logs captured (asserted on, and printed when a spec fails) and
// its own metrics registry.
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { createLogger } from '@mcp-gateway/telemetry';
import { Registry } from 'prom-client';
import { DEFAULT_COMPONENT_IMAGES } from '../gateway-extension/component-images';
import { startOperator, type LeaderElectionSettings, type RunningOperator } from '../start-operator';

export interface InProcessOperator {
  readonly operator: RunningOperator;
  readonly registry: Registry;
  /** Every log line so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface InProcessOperatorOptions {
  readonly kubeconfigPath: string;
  readonly identity?: string;
  readonly leaderElection?: LeaderElectionSettings;
  readonly resyncPeriodMs?: number;
}

/** Timings that make failover observable in a test (client-go's defaults are 15 s / 10 s / 2 s). */
export const FAST_LEADER_ELECTION: Omit<LeaderElectionSettings, 'namespace'> = Object.freeze({
  leaseName: 'mcp-gateway-operator',
  leaseDurationMs: 2_000,
  renewDeadlineMs: 1_500,
  retryPeriodMs: 200,
});

export async function startInProcessOperator(options: InProcessOperatorOptions): Promise<InProcessOperator> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      callback();
    },
  });
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(options.kubeconfigPath);
  const registry = new Registry();
  const operator = await startOperator({
    kubeconfig,
    logger: createLogger({ service: 'operator', level: 'debug', destination }),
    registry,
    images: DEFAULT_COMPONENT_IMAGES,
    identity: options.identity ?? 'operator-under-test',
    leaderElection: options.leaderElection,
    resyncPeriodMs: options.resyncPeriodMs ?? 60_000,
    backoff: { initialDelayMs: 20, maxDelayMs: 1_000 },
  });
  return {
    operator,
    registry,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => operator.stop(),
  };
}
