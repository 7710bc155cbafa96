// Turns a failed outbound call to an upstream into the GatewayError the client sees: the
// server is named in the message (CORE.md: "UpstreamUnavailable naming the server"), the
// cause stays in the log only.

import { GatewayError } from '@mcp-gateway/jsonrpc';
import type { CallDeadline } from '../outbound/call-deadline';

export function upstreamFailure(serverName: string, error: unknown, deadline?: CallDeadline): GatewayError {
  if (error instanceof GatewayError) return error;
  if (deadline?.timedOut) {
    return new GatewayError('UPSTREAM_TIMEOUT', `upstream server "${serverName}" did not answer within ${deadline.timeoutMs} ms`, {
      server: serverName,
      cause: error,
    });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = typeof code === 'string' ? ` (${code})` : '';
  return new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${serverName}" is unavailable${why}`, {
    server: serverName,
    cause: error,
  });
}
