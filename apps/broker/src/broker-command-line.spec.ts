import { describe, expect, it } from '@jest/globals';
import { BrokerUsageError, DEFAULT_BROKER_GRPC_PORT, DEFAULT_BROKER_HTTP_PORT, parseBrokerCommandLine } from './broker-command-line';

describe('parseBrokerCommandLine', () => {
  it('reads flags', () => {
    expect(parseBrokerCommandLine(['--config', 'gw.yaml', '--http-port', '0', '--grpc-port', '7000', '--host', '0.0.0.0'], {})).toEqual({
      configPath: 'gw.yaml',
      httpPort: 0,
      grpcPort: 7000,
      host: '0.0.0.0',
      help: false,
    });
  });

  it('falls back to the environment, then to the defaults', () => {
    expect(parseBrokerCommandLine([], { GATEWAY_CONFIG: 'env.yaml', BROKER_HTTP_PORT: '9001' })).toEqual({
      configPath: 'env.yaml',
      httpPort: 9001,
      grpcPort: DEFAULT_BROKER_GRPC_PORT,
      host: '127.0.0.1',
      help: false,
    });
    expect(parseBrokerCommandLine(['--config', 'flag.yaml'], { GATEWAY_CONFIG: 'env.yaml' }).configPath).toBe('flag.yaml');
    expect(parseBrokerCommandLine(['--config', 'x'], {}).httpPort).toBe(DEFAULT_BROKER_HTTP_PORT);
  });

  it('refuses a missing configuration, bad ports and unknown flags with a usage error', () => {
    expect(() => parseBrokerCommandLine([], {})).toThrow(BrokerUsageError);
    expect(() => parseBrokerCommandLine(['--config', 'x', '--http-port', '70000'], {})).toThrow(/--http-port/);
    expect(() => parseBrokerCommandLine(['--config', 'x', '--grpc-port', 'abc'], {})).toThrow(/--grpc-port/);
    expect(() => parseBrokerCommandLine(['--config', 'x', '--verbose'], {})).toThrow(BrokerUsageError);
  });
});
