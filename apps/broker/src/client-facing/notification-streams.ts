// The GET /mcp streams clients keep open for server notifications (spec 2025-11-25,
// "Listening for Messages from the Server"). The broker sends `list_changed` on them when
// the catalog changes, and a comment now and then so idle proxies keep them open. A
// message goes to one stream per session only (the spec forbids broadcasting the same
// message on several streams of one session): the most recently opened one.
import type { ServerResponse } from 'node:http';
import { serializeSseComment, serializeSseEvent } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';

export interface NotificationStreamsOptions {
  /** Interval of keep-alive comments; 0 disables them. */
  readonly keepAliveMs: number;
  readonly logger: Logger;
}

export class NotificationStreams {
  private readonly sessions = new Map<string, ServerResponse[]>();
  private readonly keepAliveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NotificationStreamsOptions) {
    if (options.keepAliveMs > 0) {
      // One shared timer for every stream rather than one per stream.
      this.keepAliveTimer = setInterval(() => this.sendKeepAlive(), options.keepAliveMs);
      this.keepAliveTimer.unref();
    }
  }

  /** Starts the SSE response and registers it for `sessionId`. */
  open(sessionId: string, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const streams = this.sessions.get(sessionId) ?? [];
    streams.push(res);
    this.sessions.set(sessionId, streams);
    res.on('close', () => this.forget(sessionId, res));
  }

  /** Sends each notification method (no params) to one stream of every session. */
  broadcast(methods: readonly string[]): void {
    if (methods.length === 0) return;
    const payload = methods
      .map((method) => serializeSseEvent({ event: 'message', data: JSON.stringify({ jsonrpc: '2.0', method }) }))
      .join('');
    for (const streams of this.sessions.values()) {
      const newest = streams[streams.length - 1];
      if (newest && !newest.writableEnded) newest.write(payload);
    }
  }

  /** Ends every stream of the session (DELETE /mcp); returns how many were open. */
  closeSession(sessionId: string): number {
    const streams = this.sessions.get(sessionId) ?? [];
    this.sessions.delete(sessionId);
    for (const res of streams) res.end();
    return streams.length;
  }

  get openStreamCount(): number {
    let count = 0;
    for (const streams of this.sessions.values()) count += streams.length;
    return count;
  }

  close(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    for (const sessionId of [...this.sessions.keys()]) this.closeSession(sessionId);
  }

  private forget(sessionId: string, res: ServerResponse): void {
    const streams = this.sessions.get(sessionId);
    if (!streams) return;
    const remaining = streams.filter((stream) => stream !== res);
    if (remaining.length === 0) this.sessions.delete(sessionId);
    else this.sessions.set(sessionId, remaining);
  }

  private sendKeepAlive(): void {
    const comment = serializeSseComment('keep-alive');
    for (const streams of this.sessions.values()) for (const res of streams) if (!res.writableEnded) res.write(comment);
  }
}
