import { describe, it, expect } from '@jest/globals';
import { DEFAULT_ROUTER_PORT, parseRouterFlags, RouterFlagError } from './router-flags';

const required = ['--config', 'gateway.yaml', '--broker-url', 'http://127.0.0.1:9000', '--broker-grpc', '127.0.0.1:9001'];

describe('parseRouterFlags', () => {
  it('reads every flag, in "--flag value" and "--flag=value" forms', () => {
    expect(parseRouterFlags([...required, '--port=0', '--host', '0.0.0.0'], {})).toEqual({
      configPath: 'gateway.yaml',
      brokerUrl: 'http://127.0.0.1:9000/',
      brokerGrpcAddress: '127.0.0.1:9001',
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('falls back to the environment, and a flag wins over its variable', () => {
    const env = {
      GATEWAY_CONFIG: 'from-env.yaml',
      BROKER_URL: 'http://broker:8080',
      BROKER_GRPC_ADDRESS: 'broker:9090',
      ROUTER_PORT: '7000',
      ROUTER_HOST: '::1',
    };
    expect(parseRouterFlags(['--port', '7001'], env)).toEqual({
      configPath: 'from-env.yaml',
      brokerUrl: 'http://broker:8080/',
      brokerGrpcAddress: 'broker:9090',
      port: 7001,
      host: '::1',
    });
  });

  it('serves the ext_proc face only when --ext-proc-port (or ROUTER_EXT_PROC_PORT) names a port', () => {
    expect(parseRouterFlags(required, {}).extProcPort).toBeUndefined();
    expect(parseRouterFlags([...required, '--ext-proc-port', '0'], {}).extProcPort).toBe(0);
    expect(parseRouterFlags(required, { ROUTER_EXT_PROC_PORT: '50052' }).extProcPort).toBe(50052);
    expect(parseRouterFlags([...required, '--ext-proc-port=9002'], { ROUTER_EXT_PROC_PORT: '50052' }).extProcPort).toBe(9002);
    expect(() => parseRouterFlags([...required, '--ext-proc-port', 'grpc'], {})).toThrow(/--ext-proc-port: expected a port number/);
  });

  it('defaults to 127.0.0.1 and port 8080', () => {
    const flags = parseRouterFlags(required, {});
    expect(flags.host).toBe('127.0.0.1');
    expect(flags.port).toBe(DEFAULT_ROUTER_PORT);
  });

  it.each([
    [['--config', 'x.yaml', '--broker-grpc', 'h:1'], /--broker-url \(or BROKER_URL\) is required/],
    [[...required, '--port', '70000'], /--port: expected a port number/],
    [[...required, '--verbose', 'yes'], /unknown flag --verbose/],
    [[...required.slice(0, 2), '--broker-url', 'ftp://x', '--broker-grpc', 'h:1'], /expected http or https/],
    [[...required.slice(0, 4), '--broker-grpc', 'no-port'], /expected HOST:PORT/],
    [[...required, '--port'], /--port: missing value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseRouterFlags(argv, {})).toThrow(RouterFlagError);
    expect(() => parseRouterFlags(argv, {})).toThrow(message);
  });
});
