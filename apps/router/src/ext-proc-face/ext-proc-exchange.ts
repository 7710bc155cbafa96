// One HTTP request as Envoy's ext_proc filter presents it: the messages of one `Process`
// stream, in order, each answered with what Envoy must do (GATEWAY_PROCESSING_MODE):
//
//   request headers   screen (Host/Origin, media types, HTTP method, protocol version
//                     header, declared size, forged session id) → an immediate answer, or
//                     continue and let Envoy send the buffered body; GET and DELETE have no
//                     body and are decided here;
//   request body      the RouterCore decides once; a routed call becomes header and body
//                     mutations (`:authority`/`:path` of the upstream so Envoy's route table
//                     picks its route, upstream session id, prefix stripped, content-length
//                     fixed, route cache cleared); the rest goes on to the broker's route;
//   response headers  upstream session id back to the gateway's; a lost upstream session
//                     (404) is renewed and the client asked to repeat the call; the answer
//                     body is only streamed through the router when it may need rewriting;
//   response body     SSE chunk by chunk: server-to-client requests get gateway ids.
//
// It carries out RouteDecisions and owns no routing rule. Errors become immediate responses
// with the HTTP face's statuses and JSON-RPC bodies. Never logs headers, bodies or ids.

import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, isRequest, parseJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId } from '@mcp-gateway/jsonrpc';
import type { RouterMetrics } from '../metrics/router-metrics';
import type { BrokerForward, ImmediateAnswer, InboundRequest, RouteDecision, UpstreamForward } from '../routing/route-decision';
import type { RouterCore } from '../routing/router-core';
import type { SessionGate } from '../session/session-gate';
import type { CommonResponse, HttpBody, HttpHeaders, ProcessingRequest, ProcessingResponse } from './ext-proc-messages';
import { GATEWAY_PROCESSING_MODE, NOTHING_MORE, withResponseBody } from './gateway-processing-mode';
import { headerMutation, readHeaderMap } from './header-map';
import { immediateResponse, repeatRequest } from './immediate-response';
import { POLICY_HEADERS, policyHeaders, ROUTER_FACE_HEADER, ROUTER_FACE_VALUE } from './policy-headers';
import type { RecentRenewals } from './recent-renewals';
import { StreamedSseRewriter } from './streamed-sse-rewriter';

export interface ExtProcExchangeOptions {
  readonly core: RouterCore;
  readonly gate: SessionGate;
  readonly metrics: RouterMetrics;
  readonly renewals: RecentRenewals;
  readonly maxRequestBodyBytes: number;
  /** The MCP endpoint's path; requests for other paths on the listener pass untouched. */
  readonly mcpPath: string;
}

/** What to do with the answer's body. */
type ResponsePlan =
  | { readonly kind: 'pass' }
  | { readonly kind: 'sse'; readonly rewriter: StreamedSseRewriter }
  | { readonly kind: 'collect'; readonly purpose: 'initialize' | 'resource-uris' | 'lost-session'; readonly chunks: Buffer[] };

/** Headers a routed call must not carry from the client to the upstream (the client's own
 * credentials and cookies; its gateway session id, replaced by the upstream's). */
const CLIENT_ONLY_HEADERS = ['authorization', 'cookie', 'mcp-session-id'] as const;

const PASS: ResponsePlan = Object.freeze({ kind: 'pass' });
const CONTINUE_REQUEST_HEADERS: ProcessingResponse = Object.freeze({
  request_headers: { response: { header_mutation: { remove_headers: POLICY_HEADERS } } },
});
const CONTINUE_REQUEST_BODY: ProcessingResponse = Object.freeze({ request_body: {} });
const CONTINUE_RESPONSE_BODY: ProcessingResponse = Object.freeze({ response_body: {} });
/** Not an MCP request (another route on the same listener, e.g. OAuth metadata). */
const PASS_UNTOUCHED: ProcessingResponse = Object.freeze({
  request_headers: { response: { header_mutation: { remove_headers: POLICY_HEADERS } } },
  mode_override: Object.freeze({ ...NOTHING_MORE, request_body_mode: 'NONE' as const }),
});

/** The same request headers answer, asking Envoy to pick the route again. */
function withRouteCleared(answer: ProcessingResponse): ProcessingResponse {
  if (!('request_headers' in answer)) return answer;
  return { ...answer, request_headers: { response: { ...answer.request_headers.response, clear_route_cache: true } } };
}

function isMcpPath(path: string, mcpPath: string): boolean {
  if (!path.startsWith(mcpPath)) return false;
  const next = path.charCodeAt(mcpPath.length);
  // "/mcp", "/mcp?x", "/mcp/" — not "/mcpx".
  return Number.isNaN(next) || next === 0x3f || next === 0x2f;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The id of a request body (rare path: an answer given before the core decided). */
function requestIdOf(body: Buffer | undefined): JsonRpcId | null {
  if (body === undefined) return null;
  const parsed = parseJsonRpc(body);
  return parsed.ok && parsed.kind === 'single' && isRequest(parsed.message) ? parsed.message.id : null;
}

function toBuffer(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

export class ExtProcExchange {
  private head: Omit<InboundRequest, 'body'> | undefined;
  /** The client's path, where a repeated request goes. */
  private path = '/mcp';
  private route: BrokerForward | UpstreamForward | undefined;
  /** The body being decided on (names the request id if the decision comes too late). */
  private pendingBody: Buffer | undefined;
  private plan: ResponsePlan = PASS;
  private responseStatus = 0;
  private responseHeaders: IncomingHttpHeaders = {};
  private askedTheClient = false;
  private finished = false;
  /** Set once an immediate response went out: Envoy sends nothing more on this stream. */
  private answeredImmediately = false;

  constructor(private readonly options: ExtProcExchangeOptions) {}

  get done(): boolean {
    return this.answeredImmediately || this.finished;
  }

  /** The answer to one message of the stream. Never throws for expected failures. */
  async handle(message: ProcessingRequest): Promise<ProcessingResponse> {
    let answer: ProcessingResponse;
    switch (message.request) {
      case 'request_headers':
        answer = await this.onRequestHeaders(message.request_headers as HttpHeaders);
        break;
      case 'request_body':
        answer = await this.onRequestBody(message.request_body as HttpBody);
        break;
      case 'response_headers':
        answer = await this.onResponseHeaders(message.response_headers as HttpHeaders);
        break;
      case 'response_body':
        answer = await this.onResponseBody(message.response_body as HttpBody);
        break;
      case 'request_trailers':
        return { request_trailers: {} };
      case 'response_trailers':
        return { response_trailers: {} };
    }
    if ('immediate_response' in answer) this.answeredImmediately = true;
    return answer;
  }

  /** The answer when something failed unexpectedly or ran out of time on this stream. */
  failure(error: unknown): ProcessingResponse {
    this.answeredImmediately = true;
    const requestId = this.route ? this.route.requestId : requestIdOf(this.pendingBody);
    return this.immediate(this.options.core.errorAnswer(error, requestId), 'mcp_gateway_error');
  }

  /** The stream ended (Envoy is done with the request, or the stream broke). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.route?.kind === 'upstream') this.options.core.upstreamCallFinished(this.route, this.askedTheClient);
  }

  private immediate(answer: ImmediateAnswer, details: string): ProcessingResponse {
    return immediateResponse(answer, details);
  }

  private refuse(decision: ImmediateAnswer): ProcessingResponse {
    this.options.metrics.decision('answer');
    return this.immediate(decision, 'mcp_gateway_refused');
  }

  // ---- request headers -------------------------------------------------------------

  private async onRequestHeaders(message: HttpHeaders): Promise<ProcessingResponse> {
    const { core, gate, maxRequestBodyBytes } = this.options;
    const { headers, pseudo } = readHeaderMap(message.headers);
    this.path = pseudo['path'] ?? this.path;
    // Envoy picked the route from these headers before asking: one chosen by a policy header
    // the client made up must be picked again once the header is gone.
    const spoofed = POLICY_HEADERS.some((name) => headers[name] !== undefined);
    if (!isMcpPath(this.path, this.options.mcpPath)) return spoofed ? withRouteCleared(PASS_UNTOUCHED) : PASS_UNTOUCHED;
    const head = { httpMethod: pseudo['method'] ?? 'GET', authority: pseudo['authority'] ?? firstHeader(headers.host), headers };
    this.head = head;
    const refused = core.screen(head);
    if (refused) return this.refuse(refused);

    if (head.httpMethod !== 'POST') {
      const answer = await this.decideWithoutBody(head);
      return spoofed && 'request_headers' in answer ? withRouteCleared(answer) : answer;
    }
    const declared = Number(firstHeader(headers['content-length']));
    if (declared > maxRequestBodyBytes) {
      return this.refuse(core.errorAnswer(new GatewayError('PAYLOAD_TOO_LARGE', `Payload Too Large: the body exceeds ${maxRequestBodyBytes} bytes`), null));
    }
    // A session id this gateway did not sign is refused before the body is read (no I/O:
    // a signature check); whether the store still holds a signed one is learnt in the
    // body phase, in the one store round trip the request makes anyway.
    if (headers['mcp-session-id'] !== undefined) {
      try {
        gate.signedSessionId(headers);
      } catch (error) {
        return this.refuse(core.errorAnswer(error, null));
      }
    }
    if (message.end_of_stream) return this.onRequestBody({ body: Buffer.alloc(0), end_of_stream: true });
    return spoofed ? withRouteCleared(CONTINUE_REQUEST_HEADERS) : CONTINUE_REQUEST_HEADERS;
  }

  /** GET and DELETE: decided from the headers alone. The client's notification stream goes
   * to the router's own HTTP face, which relays the broker's stream and adds what upstreams
   * send outside any call (their own GET streams); a DELETE goes to the broker. Neither
   * answer needs the router again, so Envoy is told to skip it. A GET the core routes to an
   * upstream is carried out like a call. */
  private async decideWithoutBody(head: Omit<InboundRequest, 'body'>): Promise<ProcessingResponse> {
    const decision = await this.options.core.decide({ ...head, body: undefined });
    this.options.metrics.decision(decision.kind);
    if (this.done) return this.release(decision, { request_headers: {} });
    if (decision.kind === 'answer') return this.immediate(decision, 'mcp_gateway_refused');
    if (decision.kind === 'upstream') {
      this.route = decision;
      return { request_headers: { response: this.toUpstream(decision, undefined) } };
    }
    if (decision.longLived) {
      return {
        request_headers: { response: { header_mutation: headerMutation({ [ROUTER_FACE_HEADER]: ROUTER_FACE_VALUE }, POLICY_HEADERS.filter((name) => name !== ROUTER_FACE_HEADER)), clear_route_cache: true } },
        mode_override: NOTHING_MORE,
      };
    }
    return { ...CONTINUE_REQUEST_HEADERS, mode_override: NOTHING_MORE };
  }

  /** Answered already (the message budget ran out) or the stream is gone: let go. */
  private release(decision: RouteDecision, answer: ProcessingResponse): ProcessingResponse {
    if (decision.kind === 'upstream') this.options.core.upstreamCallFinished(decision);
    return answer;
  }

  // ---- request body ----------------------------------------------------------------

  private async onRequestBody(message: HttpBody): Promise<ProcessingResponse> {
    const { core, metrics } = this.options;
    if (this.head === undefined) return this.failure(new Error('ext_proc: request body before request headers'));
    if (!message.end_of_stream) {
      // A body in pieces means the filter is not in BUFFERED mode: the earlier pieces would
      // already have left unrouted. Fail closed and say why.
      return this.failure(new Error('ext_proc: the request body must be sent BUFFERED (processing_mode.request_body_mode)'));
    }
    const body = message.body;
    this.pendingBody = body;
    const decision: RouteDecision = await core.decide({ ...this.head, body });
    metrics.decision(decision.kind);
    if (this.done) return this.release(decision, CONTINUE_REQUEST_BODY);
    switch (decision.kind) {
      case 'answer':
        return this.immediate(decision, 'mcp_gateway_refused');
      case 'broker':
        this.route = decision;
        return { request_body: { response: { header_mutation: headerMutation(policyHeaders(decision, body)) } } };
      case 'upstream':
        if (decision.eraBridge !== undefined) return this.toRouterFace(decision, body);
        this.route = decision;
        return { request_body: { response: this.toUpstream(decision, body) } };
    }
  }

  /** Envoy sends the call on to the upstream's own route, with its session and credentials.
   * `clientBody` is what Envoy holds (undefined in the headers phase). */
  private toUpstream(call: UpstreamForward, clientBody: Buffer | undefined): CommonResponse {
    const url = call.endpoint.url;
    const forwarded = call.body;
    const body = forwarded === undefined || forwarded === clientBody ? undefined : toBuffer(forwarded);
    const set: Record<string, string | number | readonly string[] | undefined> = {
      ':authority': url.host,
      ':path': `${url.pathname}${url.search}`,
    };
    for (const name in call.headers) {
      const value = call.headers[name];
      if (value !== undefined) set[name.toLowerCase()] = Array.isArray(value) ? value : String(value);
    }
    // BUFFERED mode: Envoy refuses (500) a changed body under a stale content-length.
    if (clientBody !== undefined) set['content-length'] = body === undefined ? clientBody.length : body.length;
    Object.assign(set, policyHeaders(call, forwarded ?? ''));
    const remove = CLIENT_ONLY_HEADERS.filter((name) => set[name] === undefined);
    return {
      header_mutation: headerMutation(set, remove),
      ...(body === undefined ? {} : { body_mutation: body.length === 0 ? { clear_body: true } : { body } }),
      // Honoured only beside a header mutation (there always is one here).
      clear_route_cache: true,
    };
  }

  /**
   * A call across protocol eras needs the router to speak for the client over the whole
   * exchange (era bridges: elicitation ↔ input-required), which header and body mutations
   * cannot do. Envoy sends this one request, as the client wrote it, to the router's own HTTP
   * face (the route for `x-mcp-route: router`), which decides it again and bridges.
   */
  private toRouterFace(call: UpstreamForward, clientBody: Buffer): ProcessingResponse {
    this.options.core.upstreamCallFinished(call);
    return {
      request_body: {
        response: {
          header_mutation: headerMutation({ [ROUTER_FACE_HEADER]: ROUTER_FACE_VALUE, ...policyHeaders(call, call.body ?? clientBody) }),
          clear_route_cache: true,
        },
      },
    };
  }

  // ---- response headers ------------------------------------------------------------

  private async onResponseHeaders(message: HttpHeaders): Promise<ProcessingResponse> {
    const { headers, pseudo } = readHeaderMap(message.headers);
    this.responseStatus = Number(pseudo['status'] ?? 0);
    this.responseHeaders = headers;
    const route = this.route;
    if (route?.kind === 'upstream') return this.onUpstreamResponseHeaders(route, headers, message.end_of_stream);
    if (route?.kind === 'broker' && route.initialize && this.responseStatus === 200 && !message.end_of_stream) {
      // The session must be recorded before the client can use it (CORE.md step 4): hold
      // the small initialize answer until it is.
      this.plan = { kind: 'collect', purpose: 'initialize', chunks: [] };
      return { response_headers: {}, mode_override: withResponseBody('BUFFERED') };
    }
    if (route?.kind === 'broker' && route.initialize && message.end_of_stream) {
      await this.recordSession(Buffer.alloc(0));
    }
    this.plan = PASS;
    return { response_headers: {}, mode_override: withResponseBody('NONE') };
  }

  private async onUpstreamResponseHeaders(call: UpstreamForward, headers: IncomingHttpHeaders, endOfStream: boolean): Promise<ProcessingResponse> {
    const status = this.responseStatus;
    if (call.renewable && status === 404) return this.repeatOnFreshSession(call);
    const sessionHeader = { response_headers: { response: { header_mutation: headerMutation({ 'mcp-session-id': call.gatewaySessionId }) } } };
    if (endOfStream) {
      this.plan = PASS;
      return sessionHeader;
    }
    if (call.renewable && status === 400) {
      // Some servers say "unknown session" with a 400: read the (small) body to know.
      this.plan = { kind: 'collect', purpose: 'lost-session', chunks: [] };
      return { ...sessionHeader, mode_override: withResponseBody('BUFFERED') };
    }
    const isEventStream = (firstHeader(headers['content-type']) ?? '').includes('text/event-stream');
    if (isEventStream && call.requestId !== null) {
      const { core } = this.options;
      this.plan = {
        kind: 'sse',
        rewriter: new StreamedSseRewriter({
          mayRewrite: (data) => core.mayRewriteUpstreamEvent(call, data),
          rewrite: (data) => core.rewriteUpstreamEvent(call, data),
        }),
      };
      return { ...sessionHeader, mode_override: GATEWAY_PROCESSING_MODE };
    }
    if (!isEventStream && call.resultUriPrefix !== undefined && status === 200) {
      this.plan = { kind: 'collect', purpose: 'resource-uris', chunks: [] };
      return { ...sessionHeader, mode_override: withResponseBody('BUFFERED') };
    }
    this.plan = PASS;
    return { ...sessionHeader, mode_override: withResponseBody('NONE') };
  }

  /**
   * The upstream forgot the session (MCP "Session Management": 404). The mapping is dropped
   * and a fresh upstream session opened at once; the client is asked to repeat the request
   * (307 to the same path: same method, same body — SDK clients follow it within the
   * origin), which Envoy then routes on the fresh session. A call that fails the same way
   * on a session opened like this is not repeated again.
   */
  private async repeatOnFreshSession(call: UpstreamForward): Promise<ProcessingResponse> {
    const { core, renewals, metrics } = this.options;
    if (renewals.isFresh(call.upstreamSessionId)) {
      const error = new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${call.serverName}" lost its session again`, { server: call.serverName });
      metrics.upstreamFailed(call.serverName, error.code);
      return this.immediate(core.errorAnswer(error, call.requestId), 'mcp_gateway_upstream_session_lost');
    }
    metrics.upstreamSessionRenewed(call.serverName);
    const renewed = await core.renewUpstreamSession(call);
    renewals.remember(renewed.upstreamSessionId);
    this.route = renewed;
    return repeatRequest(this.path, 'mcp_gateway_upstream_session_renewed');
  }

  // ---- response body ---------------------------------------------------------------

  private async onResponseBody(message: HttpBody): Promise<ProcessingResponse> {
    const plan = this.plan;
    switch (plan.kind) {
      case 'pass':
        return CONTINUE_RESPONSE_BODY;
      case 'sse': {
        const replacement = await plan.rewriter.push(message.body, message.end_of_stream);
        if (plan.rewriter.rewroteEvents) this.askedTheClient = true;
        if (replacement === undefined) return CONTINUE_RESPONSE_BODY;
        return { response_body: { response: { body_mutation: replacement.length === 0 ? { clear_body: true } : { body: replacement } } } };
      }
      case 'collect':
        plan.chunks.push(message.body);
        // Without mode overrides the body arrives STREAMED: hold each piece back.
        if (!message.end_of_stream) return { response_body: { response: { body_mutation: { clear_body: true } } } };
        return this.collected(plan.purpose, plan.chunks);
    }
  }

  private async collected(purpose: 'initialize' | 'resource-uris' | 'lost-session', chunks: readonly Buffer[]): Promise<ProcessingResponse> {
    const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const heldBack = chunks.length > 1;
    let out = whole;
    const route = this.route;
    if (purpose === 'initialize') {
      const refused = await this.recordSession(whole);
      if (refused) return refused;
    } else if (route?.kind === 'upstream') {
      if (purpose === 'lost-session' && /session/i.test(whole.toString('utf8'))) return this.repeatOnFreshSession(route);
      if (purpose === 'resource-uris') {
        const rewritten = this.options.core.rewriteUpstreamAnswer(route, whole);
        if (rewritten !== undefined) out = Buffer.from(rewritten, 'utf8');
      }
    }
    if (out === whole && !heldBack) return CONTINUE_RESPONSE_BODY;
    return {
      response_body: {
        response: {
          // Honoured in BUFFERED mode, where Envoy checks it against the new body; in
          // STREAMED mode Envoy has already dropped content-length.
          header_mutation: headerMutation({ 'content-length': out.length }),
          body_mutation: out.length === 0 ? { clear_body: true } : { body: out },
        },
      },
    };
  }

  private async recordSession(body: Buffer): Promise<ProcessingResponse | undefined> {
    const route = this.route;
    if (route?.kind !== 'broker' || !route.initialize) return undefined;
    try {
      await this.options.core.recordInitializedSession(route.initialize, this.responseStatus, this.responseHeaders, body);
      return undefined;
    } catch (error) {
      return this.immediate(this.options.core.errorAnswer(error, route.requestId), 'mcp_gateway_session_not_recorded');
    }
  }
}
