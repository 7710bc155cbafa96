// The operator's process shell. The reconcilers (MCPGatewayExtension, MCPServerRegistration,
// MCPVirtualServer → Deployments, Services, config Secret, HTTPRoutes) arrive with the
// operator work; today the process starts, logs, and serves its probes and metrics so it
// can be deployed and watched like the other services.
import { createLogger, createMetricsRegistry, startOpsServer } from '@mcp-gateway/telemetry';
import { parseOperatorFlags } from './operator-flags';

async function main(): Promise<void> {
  const flags = parseOperatorFlags(process.argv.slice(2), process.env);
  const logger = createLogger({ service: 'operator', level: flags.logLevel });
  const registry = createMetricsRegistry('operator');
  const ops = await startOpsServer({
    host: flags.host,
    port: flags.probePort,
    readiness: () => true,
    registry,
    logger,
  });
  logger.info({ probePort: ops.port }, 'operator listening');

  const stop = async (signal: string) => {
    logger.info({ signal }, 'operator stopping');
    await ops.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'operator', msg: 'operator failed to start', error: String(error) }));
  process.exit(1);
});
