// The broker process: read flags and environment, start the broker, log where it listens,
// and close it gracefully on SIGTERM/SIGINT.
import { createLogger, startTelemetry } from '@mcp-gateway/telemetry';
import { BROKER_USAGE, BrokerUsageError, parseBrokerCommandLine } from './broker-command-line';
import { startBroker } from './broker';

async function main(): Promise<void> {
  let commandLine;
  try {
    commandLine = parseBrokerCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof BrokerUsageError) {
      process.stderr.write(`${error.message}\n${BROKER_USAGE}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (commandLine.help) {
    process.stdout.write(`${BROKER_USAGE}\n`);
    return;
  }

  const logger = createLogger({ service: 'broker', level: process.env['LOG_LEVEL'] ?? 'info' });
  const telemetry = startTelemetry({ serviceName: 'mcp-gateway-broker' });
  const broker = await startBroker({
    configPath: commandLine.configPath,
    host: commandLine.host,
    httpPort: commandLine.httpPort,
    grpcPort: commandLine.grpcPort,
    logger,
  });
  logger.info({ httpPort: broker.httpPort, grpcPort: broker.grpcPort, host: commandLine.host }, 'broker listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'broker stopping');
    void broker
      .close()
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ error: (error as Error).message }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'broker failed to start', error: (error as Error).message })}\n`);
  process.exit(1);
});
