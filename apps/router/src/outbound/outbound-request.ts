// One HTTP request from the router to an upstream or to the broker, written in one go with
// content-length (faster than piping for small JSON-RPC bodies, INFRA.md "Performance
// facts") over a keep-alive agent, resolving as soon as the response headers arrive so
// the body can be streamed on. Every call is bound to a CallDeadline (its timeout and the
// caller's abort); when it fires, the request and its response stream are destroyed.

import http from 'node:http';
import https from 'node:https';
import type { CallDeadline } from './call-deadline';

export interface OutboundRequest {
  readonly method: 'POST' | 'GET' | 'DELETE';
  readonly headers: http.OutgoingHttpHeaders;
  readonly body?: string | Uint8Array;
  readonly deadline: CallDeadline;
}

/** http.request options of a URL, computed once per URL object (not per request). */interface RequestTarget {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
  readonly auth?: string;
}

const requestTargets = new WeakMap<URL, RequestTarget>();

function requestTargetOf(url: URL): RequestTarget {
  let target = requestTargets.get(url);
  if (!target) {
    target = {
      protocol: url.protocol,
      // http.request wants an IPv6 literal without its brackets.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      ...(url.username === '' ? {} : { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }),
    };
    requestTargets.set(url, target);
  }
  return target;
}

export function sendOutboundRequest(url: URL, agent: http.Agent, request: OutboundRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = requestTargetOf(url);
    const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': bodyLength(request.body) };
    const send = target.protocol === 'https:' ? https.request : http.request;
    const outgoing = send({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      auth: target.auth,
      method: request.method,
      headers,
      agent,
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    request.deadline.attach(outgoing);
    outgoing.end(request.body);
  });
}

function bodyLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

/** Reads a small response body whole (error bodies, initialize answers), up to `limit` bytes. */
export async function readSmallBody(response: http.IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      response.destroy();
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

export class ResponseTooLargeError extends Error {
  constructor(limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}
