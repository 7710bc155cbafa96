// A request the upstream sends on its session's GET stream may arrive before the upstream
// has answered the call itself — always so with an upstream that answers calls with one
// JSON body, which it sends only once the tool is done, and the tool is waiting for the
// client. The client's answer stream is then opened by the router (an SSE answer, as
// MCP 2025-11-25 "Transports" lets a server choose for any POST) and those requests are
// written into it; the call's own answer follows on the same stream.

import type { ServerResponse } from 'node:http';
import { serializeSseEvent } from '@mcp-gateway/jsonrpc';
import type { ServerMessageSource, UpstreamForward } from '../routing/route-decision';
import type { RouterCore } from '../routing/router-core';

export class EarlyServerMessages {
  private opened = false;
  private rewrote = false;
  private queue: Promise<void> = Promise.resolve();
  private detach: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly core: RouterCore,
  ) {}

  /** True once the router opened the client's SSE answer itself. */
  get started(): boolean {
    return this.opened;
  }

  /** True when a message written here had its ids remapped (the client was asked). */
  get askedTheClient(): boolean {
    return this.rewrote;
  }

  /** Writes what `source` brings for `call` until `stop()`. */
  listen(call: UpstreamForward, source: ServerMessageSource | undefined): void {
    if (!source) return;
    this.detach = source.attach((data) => {
      this.queue = this.queue.then(() => this.write(call, data));
    });
  }

  /** Stops listening; resolves once everything already received is written. */
  async stop(): Promise<void> {
    this.detach?.();
    this.detach = undefined;
    await this.queue;
  }

  private async write(call: UpstreamForward, data: string): Promise<void> {
    if (this.res.destroyed || this.res.writableEnded) return;
    let event = data;
    if (this.core.mayRewriteUpstreamEvent(call, data)) {
      const rewritten = await this.core.rewriteUpstreamEvent(call, data);
      if (rewritten !== undefined) {
        event = rewritten;
        this.rewrote = true;
      }
    }
    if (!this.opened) {
      this.opened = true;
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': call.gatewaySessionId });
    }
    this.res.write(serializeSseEvent({ event: 'message', data: event }));
  }
}
