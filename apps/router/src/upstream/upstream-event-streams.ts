// The GET stream of an upstream session (MCP 2025-11-25 "Transports: Listening for Messages
// from the Server"). A server may send its requests to the client (elicitation, sampling,
// roots) there instead of on the call's own stream — the MCP SDK v2's `elicitInput()` and
// `requestSampling()` do — and a server drops them when no GET stream is open. So while a
// routed call runs for a client able to answer such requests, the router holds that GET
// stream and hands what arrives on it to the call's answer stream (the newest call of that
// upstream session in this process). It is opened before the call is sent, kept a while
// after the last call (`lingerMs`) so back-to-back calls share it, and closed when the
// session ends. Best effort: an upstream without GET streams (405) is left alone until the
// linger time has passed; one whose single GET stream another replica holds (409) is asked
// again by the next call (the holder may let it go at any time). What arrives while no call
// of the session runs here goes to `onUnclaimed` (the client's own GET stream, see
// server-requests/unclaimed-server-messages.ts) instead of being dropped.

import type http from 'node:http';
import { SseParser } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import { CallDeadline } from '../outbound/call-deadline';
import { sendOutboundRequest } from '../outbound/outbound-request';
import type { UnclaimedServerMessage } from '../server-requests/unclaimed-server-messages';
import type { UpstreamEndpoint } from './upstream-endpoints';

export type ServerMessageSink = (data: string) => void;

export interface UpstreamEventStreamsOptions {
  /** Bound on getting the stream's response headers. */
  readonly connectTimeoutMs: number;
  /** How long a stream stays open after its last call ended. */
  readonly lingerMs: number;
  readonly logger: Logger;
  /** Receives what arrives while no call of the session runs in this process. */
  readonly onUnclaimed?: (message: UnclaimedServerMessage) => void;
}

interface EventStream {
  readonly gatewaySessionId: string;
  readonly serverName: string;
  readonly deadline: CallDeadline;
  /** Resolves once the stream is open or known to be unavailable; never rejects. */
  readonly ready: Promise<void>;
  readonly sinks: ServerMessageSink[];
  lingerTimer: NodeJS.Timeout | undefined;
}

export class UpstreamEventStreams {
  private readonly streams = new Map<string, EventStream>();

  constructor(private readonly options: UpstreamEventStreamsOptions) {}

  /** Makes sure the GET stream of `upstreamSessionId` is open (or known unavailable). */
  listen(gatewaySessionId: string, endpoint: UpstreamEndpoint, upstreamSessionId: string, protocolVersion: string | undefined): Promise<void> {
    if (upstreamSessionId === '') return Promise.resolve();
    const existing = this.streams.get(upstreamSessionId);
    if (existing) return existing.ready;
    const deadline = new CallDeadline(0);
    const stream: EventStream = {
      gatewaySessionId,
      serverName: endpoint.serverName,
      deadline,
      ready: this.open(endpoint, upstreamSessionId, protocolVersion, deadline),
      sinks: [],
      lingerTimer: undefined,
    };
    this.streams.set(upstreamSessionId, stream);
    this.linger(upstreamSessionId, stream);
    return stream.ready;
  }

  /** Sends what arrives on the stream to `sink` until the returned function is called. */
  attach(upstreamSessionId: string, sink: ServerMessageSink): () => void {
    const stream = this.streams.get(upstreamSessionId);
    if (!stream) return () => undefined;
    if (stream.lingerTimer) clearTimeout(stream.lingerTimer);
    stream.lingerTimer = undefined;
    stream.sinks.push(sink);
    return () => {
      const index = stream.sinks.indexOf(sink);
      if (index !== -1) stream.sinks.splice(index, 1);
      if (stream.sinks.length === 0) this.linger(upstreamSessionId, stream);
    };
  }

  close(upstreamSessionId: string): void {
    const stream = this.streams.get(upstreamSessionId);
    if (!stream) return;
    this.streams.delete(upstreamSessionId);
    if (stream.lingerTimer) clearTimeout(stream.lingerTimer);
    stream.deadline.abort('upstream session closed');
  }

  closeSession(gatewaySessionId: string): void {
    for (const [upstreamSessionId, stream] of [...this.streams]) {
      if (stream.gatewaySessionId === gatewaySessionId) this.close(upstreamSessionId);
    }
  }

  closeAll(): void {
    for (const upstreamSessionId of [...this.streams.keys()]) this.close(upstreamSessionId);
  }

  private linger(upstreamSessionId: string, stream: EventStream): void {
    if (stream.lingerTimer) clearTimeout(stream.lingerTimer);
    stream.lingerTimer = setTimeout(() => {
      if (this.streams.get(upstreamSessionId) === stream && stream.sinks.length === 0) this.close(upstreamSessionId);
    }, this.options.lingerMs);
    stream.lingerTimer.unref();
  }

  private async open(endpoint: UpstreamEndpoint, upstreamSessionId: string, protocolVersion: string | undefined, deadline: CallDeadline): Promise<void> {
    const headersTimer = setTimeout(() => deadline.abort('no GET stream headers in time'), this.options.connectTimeoutMs);
    let response: http.IncomingMessage;
    try {
      response = await sendOutboundRequest(endpoint.url, endpoint.agent, {
        method: 'GET',
        headers: {
          ...endpoint.headers,
          accept: 'text/event-stream',
          'mcp-session-id': upstreamSessionId,
          ...(protocolVersion === undefined ? {} : { 'mcp-protocol-version': protocolVersion }),
        },
        deadline,
      });
    } catch (error) {
      // Unreachable or too slow: the call itself will say so; the next call tries again.
      this.options.logger.debug({ server: endpoint.serverName, err: error }, 'upstream GET stream not opened');
      this.forget(upstreamSessionId, deadline);
      return;
    } finally {
      clearTimeout(headersTimer);
    }
    if (response.statusCode !== 200) {
      // 405: no GET streams on this server (remembered until the linger time has passed).
      // 409: another replica holds the one allowed; what arrives there reaches the client
      // through its own GET stream, and the next call here asks again.
      this.options.logger.debug({ server: endpoint.serverName, status: response.statusCode }, 'upstream GET stream not available');
      response.resume();
      if (response.statusCode !== 405) this.forget(upstreamSessionId, deadline);
      return;
    }
    this.options.logger.debug({ server: endpoint.serverName }, 'upstream GET stream open');
    const parser = new SseParser();
    const deliver = (events: ReturnType<SseParser['push']>): void => {
      const stream = this.streams.get(upstreamSessionId);
      const sink = stream?.sinks.at(-1);
      for (const event of events) {
        if (event.data === '') continue;
        if (sink) sink(event.data);
        else if (stream) this.options.onUnclaimed?.({ gatewaySessionId: stream.gatewaySessionId, serverName: stream.serverName, upstreamSessionId, data: event.data });
      }
    };
    response.on('data', (chunk: Buffer) => deliver(parser.push(chunk)));
    response.once('error', () => undefined);
    response.once('close', () => {
      const stream = this.streams.get(upstreamSessionId);
      if (stream?.deadline === deadline) {
        // The upstream ended the stream: the next call opens a new one.
        this.forget(upstreamSessionId, deadline);
      }
    });
  }

  /** Drops the entry of an attempt that is over, unless a newer attempt replaced it. */
  private forget(upstreamSessionId: string, deadline: CallDeadline): void {
    const stream = this.streams.get(upstreamSessionId);
    if (stream?.deadline !== deadline) return;
    this.streams.delete(upstreamSessionId);
    if (stream.lingerTimer) clearTimeout(stream.lingerTimer);
  }
}
