// The router's line to the broker's /mcp: every request the broker answers (initialize,
// lists, ping, notifications, the GET stream, DELETE) is passed on with the client's own
// headers and body bytes, over keep-alive connections. Only hop-by-hop headers are dropped
// (RFC 9110 §7.6.1); the Host becomes the broker's.

import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { CallDeadline } from '../outbound/call-deadline';
import { sendOutboundRequest } from '../outbound/outbound-request';
import type { AnswerStream } from '../outbound/upstream-answer';
import { UpstreamConnectionPool } from '../outbound/upstream-connection-pool';

const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

/** The client's headers as the flat `[name, value, …]` list sendOutboundRequest writes as
 * is (no per-header setHeader work on the way to the broker). */
export function forwardableHeaders(headers: IncomingHttpHeaders): string[] {
  const forwarded: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    if (typeof value === 'string') forwarded.push(name, value);
    else for (const item of value) forwarded.push(name, item);
  }
  return forwarded;
}

export class BrokerProxy {
  readonly url: URL;
  /** Plain HTTP (the usual case: the broker beside the router) uses the router's own
   * connections, as routed calls do; an https broker URL goes through an agent. */
  private readonly connections: UpstreamConnectionPool | undefined;
  private readonly agent: http.Agent | undefined;

  /** `brokerUrl` is the broker's base URL (`http://127.0.0.1:P`) or its /mcp URL. */
  constructor(brokerUrl: string) {
    const url = new URL(brokerUrl);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp';
    this.url = url;
    if (url.protocol === 'http:') this.connections = new UpstreamConnectionPool(url);
    else this.agent = new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxFreeSockets: 64, scheduling: 'lifo' });
  }

  send(method: 'POST' | 'GET' | 'DELETE', headers: IncomingHttpHeaders, body: Buffer | undefined, deadline: CallDeadline): Promise<AnswerStream> {
    const request = { method, headers: forwardableHeaders(headers), body, deadline };
    return this.connections ? this.connections.send(request) : sendOutboundRequest(this.url, this.agent as http.Agent, request);
  }

  close(): void {
    this.connections?.close();
    this.agent?.destroy();
  }
}
