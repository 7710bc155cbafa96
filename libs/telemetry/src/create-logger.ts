import { hostname } from 'node:os';
import { pino, stdTimeFunctions } from 'pino';
import type { Logger } from 'pino';

// Structured logs for every gateway process: one JSON object per line on stdout, with the
// service name on every line so a log pipeline can tell broker, router and operator apart.
// Header values that are credentials or session handles are replaced before the line is
// written: an `Mcp-Session-Id` is a bearer token for the session (MCP 2025-11-25,
// Transports §"Session Management" and Security Best Practices §"Session Hijacking").

export type { Logger };

/** Headers whose values never reach a log line, in the spellings Node and fetch produce. */
export const REDACTED_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'mcp-session-id',
  'x-api-key',
]);

const REDACTION_CENSOR = '[redacted]';

function titleCase(headerName: string): string {
  return headerName.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** `headers` objects at the top level and up to two levels down (`req.headers`,
 * `upstream.request.headers`), lower-case and Title-Case spellings. */
function redactionPaths(): string[] {
  const paths: string[] = [];
  for (const name of REDACTED_HEADERS) {
    for (const spelling of new Set([name, titleCase(name)])) {
      const key = `headers["${spelling}"]`;
      paths.push(key, `*.${key}`, `*.*.${key}`);
    }
  }
  return paths;
}

export interface CreateLoggerOptions {
  /** Written as `service` on every line (e.g. `mcp-broker`). */
  service: string;
  /** trace | debug | info | warn | error | fatal | silent. Default `info`. */
  level?: string;
  /** Where lines go. Default: stdout. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    timestamp: stdTimeFunctions.isoTime,
    // Level names, not numbers: readable in `kubectl logs` and easy to filter.
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: redactionPaths(), censor: REDACTION_CENSOR },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
