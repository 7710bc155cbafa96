// A logger whose JSON lines are kept in memory, so specs can assert what was (and was
// not) logged. Test-only.
import { Writable } from 'node:stream';
import { createLogger } from '@mcp-gateway/telemetry';
import type { Logger } from '@mcp-gateway/telemetry';

export interface CapturedLog {
  readonly logger: Logger;
  text(): string;
  lines(): Array<Record<string, unknown>>;
}

export function captureLog(level = 'debug'): CapturedLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ service: 'broker-spec', level, destination });
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
