import { describe, expect, it } from '@jest/globals';
import { OperatorFlagError, parseOperatorFlags } from './operator-flags';

describe('operator flags', () => {
  it('defaults to loopback probes on 8081, info logs, leader election with client-go timings and a 5-minute resync', () => {
    expect(parseOperatorFlags([], {})).toEqual({
      host: '127.0.0.1',
      probePort: 8081,
      logLevel: 'info',
      kubeconfig: undefined,
      leaderElect: true,
      leaderElectionNamespace: undefined,
      leaderElectionId: 'mcp-gateway-operator',
      identity: undefined,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      resyncSeconds: 300,
    });
  });

  it('takes flags over environment, in both --flag value and --flag=value forms', () => {
    const flags = parseOperatorFlags(['--probe-port', '0', '--log-level=debug', '--kubeconfig', '/tmp/kc', '--leader-elect=false', '--lease-duration-seconds', '2.5', '--renew-deadline-seconds', '2', '--retry-period-seconds', '0.2'], {
      OPERATOR_PROBE_PORT: '9000',
      KUBECONFIG: '/elsewhere',
      POD_NAMESPACE: 'mcp-system',
      POD_NAME: 'operator-0',
    });
    expect(flags).toMatchObject({ probePort: 0, logLevel: 'debug', kubeconfig: '/tmp/kc', leaderElect: false, leaderElectionNamespace: 'mcp-system', identity: 'operator-0', leaseDurationSeconds: 2.5, retryPeriodSeconds: 0.2 });
  });

  it('rejects an unknown flag, a bad port, a bad level, a bad boolean and inconsistent lease timings with a precise message', () => {
    expect(() => parseOperatorFlags(['--nope', '1'], {})).toThrow(OperatorFlagError);
    expect(() => parseOperatorFlags(['--nope', '1'], {})).toThrow(/^unknown flag --nope \(known: --host, --probe-port/);
    expect(() => parseOperatorFlags(['--probe-port', '70000'], {})).toThrow('--probe-port: expected a port number 0-65535, got "70000"');
    expect(() => parseOperatorFlags([], { LOG_LEVEL: 'loud' })).toThrow('log level must be one of');
    expect(() => parseOperatorFlags(['--leader-elect', 'yes'], {})).toThrow('--leader-elect: expected true or false, got "yes"');
    expect(() => parseOperatorFlags(['--retry-period-seconds', '20'], {})).toThrow('retry-period < renew-deadline < lease-duration');
  });
});
