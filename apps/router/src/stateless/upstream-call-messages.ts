// Everything a session-era upstream sends while one call runs, in arrival order: the
// messages of the call's own answer (JSON or SSE) and those of the upstream session's GET
// stream, where a 2025-era server may send requests unrelated to any POST (the MCP SDK v2's
// `elicitInput` does). The bridge holds the session exclusively for the call, so whatever
// arrives on that stream is about this call. The call's answer ending is reported once; the
// GET stream ending is not an event (the call may still finish).
import type { IncomingMessage } from 'node:http';
import type { JsonRpcMessage } from '@mcp-gateway/jsonrpc';
import { upstreamMessages } from './upstream-messages';

export type CallEvent = { readonly kind: 'message'; readonly message: JsonRpcMessage } | { readonly kind: 'ended'; readonly reason: string };

export class UpstreamCallMessages {
  private readonly queue: CallEvent[] = [];
  private waiting: ((event: CallEvent) => void) | undefined;
  private readonly responses: IncomingMessage[];

  constructor(call: IncomingMessage, sessionStream?: IncomingMessage) {
    this.responses = sessionStream ? [call, sessionStream] : [call];
    void this.pump(call, true);
    if (sessionStream) void this.pump(sessionStream, false);
  }

  /** The next event; waits for one. */
  next(): Promise<CallEvent> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Stops reading both (destroys the responses). */
  close(): void {
    for (const response of this.responses) response.destroy();
  }

  private push(event: CallEvent): void {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting(event);
    } else {
      this.queue.push(event);
    }
  }

  private async pump(response: IncomingMessage, isCall: boolean): Promise<void> {
    try {
      for await (const message of upstreamMessages(response)) this.push({ kind: 'message', message });
      if (isCall) this.push({ kind: 'ended', reason: 'the upstream ended its answer without a result' });
    } catch (error) {
      if (isCall) this.push({ kind: 'ended', reason: error instanceof Error ? error.message : String(error) });
    }
  }
}
