import { describe, expect, it } from '@jest/globals';
import { OperatorFlagError, parseOperatorFlags } from './operator-flags';

describe('operator flags', () => {
  it('defaults to loopback, probe port 8081 and info logs', () => {
    expect(parseOperatorFlags([], {})).toEqual({ host: '127.0.0.1', probePort: 8081, logLevel: 'info' });
  });

  it('takes flags over environment', () => {
    expect(parseOperatorFlags(['--probe-port', '0', '--log-level', 'debug'], { OPERATOR_PROBE_PORT: '9000' })).toEqual({
      host: '127.0.0.1',
      probePort: 0,
      logLevel: 'debug',
    });
  });

  it('rejects an unknown flag, a bad port and a bad level with a precise message', () => {
    expect(() => parseOperatorFlags(['--nope', '1'], {})).toThrow(new OperatorFlagError('unknown flag --nope (known: --host, --probe-port, --log-level)'));
    expect(() => parseOperatorFlags(['--probe-port', '70000'], {})).toThrow('--probe-port: expected a port number 0-65535, got "70000"');
    expect(() => parseOperatorFlags([], { LOG_LEVEL: 'loud' })).toThrow('log level must be one of');
  });
});
