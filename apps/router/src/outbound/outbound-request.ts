// One HTTP request from the router to an upstream or to the broker, written in one go with
// content-length (faster than piping for small JSON-RPC bodies, INFRA.md "Performance
// facts") over a keep-alive agent, resolving as soon as the response headers arrive so
// the body can be streamed on. Every call is bound to a CallDeadline (its timeout and the
// caller's abort); when it fires, the request and its response stream are destroyed.

import http from 'node:http';
import https from 'node:https';
import type { CallDeadline } from './call-deadline';
import type { AnswerStream } from './upstream-answer';

export interface OutboundRequest {
  readonly method: 'POST' | 'GET' | 'DELETE';
  /** An object, or a flat `[name, value, …]` list with lower-case names. Host defaults to
   * the target's; with a body, Content-Length is always the body's. */
  readonly headers: http.OutgoingHttpHeaders | readonly string[];
  readonly body?: string | Uint8Array;
  readonly deadline: CallDeadline;
}

/** http.request facts of a URL, computed once per URL object (not per request). */
export interface RequestTarget {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
  /** The Host header: `url.host` is what Node would send (no default port, IPv6 in brackets). */
  readonly host: string;
  /** `Basic …` for a URL with credentials, sent unless the caller gives an Authorization. */
  readonly authorization?: string;
}

const requestTargets = new WeakMap<URL, RequestTarget>();

export function requestTargetOf(url: URL): RequestTarget {
  let target = requestTargets.get(url);
  if (!target) {
    const credentials = url.username === '' ? undefined : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    target = {
      protocol: url.protocol,
      // http.request wants an IPv6 literal without its brackets.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      host: url.host,
      ...(credentials === undefined ? {} : { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }),
    };
    requestTargets.set(url, target);
  }
  return target;
}

/**
 * The request's header lines as one flat list. Handing http.request a list (rather than an
 * object) skips its per-header setHeader bookkeeping: the head is serialised once, straight
 * from the list (10–20 µs less CPU per request with a keep-alive agent, measured here).
 * In exchange Node adds nothing itself, so Host (unless given), Authorization (URL
 * credentials, unless given) and Content-Length (when there is a body) are added here.
 */
export function headerLines(headers: http.OutgoingHttpHeaders | readonly string[], target: RequestTarget, contentLength: number | undefined): string[] {
  const lines: string[] = [];
  if (isHeaderList(headers)) {
    for (let index = 0; index + 1 < headers.length; index += 2) {
      const name = headers[index] as string;
      if (contentLength === undefined || name !== 'content-length') lines.push(name, headers[index + 1] as string);
    }
  } else {
    const lowerCased = withLowerCaseNames(headers);
    for (const name in lowerCased) {
      const value = lowerCased[name];
      if (value === undefined || (contentLength !== undefined && name === 'content-length')) continue;
      if (Array.isArray(value)) for (const item of value) lines.push(name, item);
      else lines.push(name, String(value));
    }
  }
  let hasHost = false;
  let hasAuthorization = false;
  for (let index = 0; index < lines.length; index += 2) {
    const name = lines[index];
    if (name === 'host') hasHost = true;
    else if (name === 'authorization') hasAuthorization = true;
  }
  if (!hasHost) lines.push('host', target.host);
  if (!hasAuthorization && target.authorization !== undefined) lines.push('authorization', target.authorization);
  if (contentLength !== undefined) lines.push('content-length', String(contentLength));
  return lines;
}

function isHeaderList(headers: http.OutgoingHttpHeaders | readonly string[]): headers is readonly string[] {
  return Array.isArray(headers);
}

/** The same headers with lower-case names; names differing only in case merge as
 * consecutive setHeader calls would (the last wins). Usually returns `headers` itself. */
function withLowerCaseNames(headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  for (const name in headers) {
    if (name !== name.toLowerCase()) {
      const merged: http.OutgoingHttpHeaders = {};
      for (const key in headers) {
        merged[key.toLowerCase()] = headers[key];
      }
      return merged;
    }
  }
  return headers;
}

export function sendOutboundRequest(url: URL, agent: http.Agent, request: OutboundRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = requestTargetOf(url);
    const send = target.protocol === 'https:' ? https.request : http.request;
    const outgoing = send({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: request.method,
      headers: headerLines(request.headers, target, contentLengthOf(request)),
      agent,
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    request.deadline.attach(outgoing);
    outgoing.end(request.body);
  });
}

/** A POST without a body still says so (Content-Length: 0), as Node would on its own. */
function contentLengthOf(request: OutboundRequest): number | undefined {
  const { body } = request;
  if (body === undefined) return request.method === 'POST' ? 0 : undefined;
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

/** Reads a small response body whole (error bodies, initialize answers), up to `limit` bytes. */
export async function readSmallBody(response: AnswerStream, limit = 1024 * 1024): Promise<Buffer> {
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
