// The router's process shell: reads flags and config, wires the router, starts it, and on
// SIGTERM/SIGINT closes everything in reverse order. Behaviour lives in the modules.

import { randomBytes } from 'node:crypto';
import { ConfigWatcher, loadGatewayConfig } from '@mcp-gateway/config';
import { createServerRequestIdMapper } from '@mcp-gateway/id-mapper';
import { createSessionStore, GatewaySessionIdCodec } from '@mcp-gateway/session-store';
import { createLogger, createMetricsRegistry, startTelemetry } from '@mcp-gateway/telemetry';
import { parseRouterFlags, RouterFlagError } from './router-flags';
import { startRouter } from './start-router';

async function main(): Promise<void> {
  const flags = parseRouterFlags(process.argv.slice(2), process.env);
  const config = await loadGatewayConfig(flags.configPath, process.env);
  const logger = createLogger({ service: 'router', level: config.logLevel });
  const telemetry = startTelemetry({ serviceName: 'mcp-gateway-router', env: process.env });
  const registry = createMetricsRegistry('router');

  let secret = config.session.signingSecret;
  if (secret === undefined || secret === '') {
    secret = randomBytes(32).toString('base64url');
    logger.warn('no GATEWAY_SESSION_SECRET or session.signingSecret: using a random one; the broker will not accept this router\'s sessions unless it shares the secret');
  }
  const sessionIdCodec = new GatewaySessionIdCodec(secret, { maxLifetimeMs: config.session.maxLifetimeMs });
  const sessionStore = createSessionStore({ url: config.sessionStore.url, keyPrefix: config.sessionStore.keyPrefix, logger });
  const serverRequestIdMapper = createServerRequestIdMapper({ url: config.sessionStore.url, keyPrefix: config.sessionStore.keyPrefix, logger });

  const router = await startRouter({
    config,
    brokerUrl: flags.brokerUrl,
    brokerGrpcAddress: flags.brokerGrpcAddress,
    host: flags.host,
    port: flags.port,
    ...(flags.extProcPort === undefined ? {} : { extProcPort: flags.extProcPort }),
    sessionStore,
    sessionIdCodec,
    serverRequestIdMapper,
    logger,
    registry,
  });
  const configWatcher = new ConfigWatcher(flags.configPath, {
    onChange: (next) => {
      router.reconfigure(next).catch((error: unknown) => logger.error({ err: error }, 'applying the new config failed'));
      logger.info({ servers: next.servers.length }, 'config reloaded');
    },
    onInvalid: (error) => logger.warn({ err: error }, 'config file is invalid; keeping the last good one'),
  });
  await configWatcher.start();
  logger.info(
    { port: router.port, ...(router.extProcPort === undefined ? {} : { extProcPort: router.extProcPort }), host: flags.host, broker: flags.brokerUrl, brokerGrpc: flags.brokerGrpcAddress, sessionStore: config.sessionStore.url ? 'redis' : 'memory' },
    'router listening',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'router stopping');
    await configWatcher.close();
    await router.close();
    await serverRequestIdMapper.close();
    await sessionStore.close();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof RouterFlagError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'router', msg: 'router failed to start', error: message })}\n`);
  process.exit(error instanceof RouterFlagError ? 2 : 1);
});
