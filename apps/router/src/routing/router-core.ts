// The routing core: for one client request, decides whether it goes to the broker, to one
// upstream (with its target rewritten and the upstream session resolved), or is answered
// at once with an error (CORE.md "Who does what on /mcp"). It knows nothing of node:http
// servers or Envoy: faces hand it an InboundRequest and carry out the RouteDecision.
// Hot path: no logging below warn, one store round trip per routed call, the body
// re-serialised only when the routed name changes.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import {
  allowsJsonRpcBatches,
  classifyClientMethod,
  errorResponse,
  GatewayError,
  isErrorResponse,
  isRequest,
  isResponse,
  McpMethod,
  parseJsonRpc,
  protocolEra,
  routedTarget,
  serializeJsonRpc,
  withRoutedTarget,
} from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcMessage, JsonRpcRequest, JsonRpcResponse, MethodRoute, RoutedTarget } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import { findJsonRpcAnswer } from '../outbound/json-rpc-answer';
import type { HostOriginPolicy } from '../inbound/host-origin-policy';
import { requireEventStreamAccepted, requirePostMediaTypes } from '../inbound/media-type-rules';
import { unsupportedProtocolVersion } from '../inbound/protocol-version-header';
import type { InFlightRoutedRequests, InFlightTarget } from '../session/in-flight-routed-requests';
import type { SessionGate } from '../session/session-gate';
import { claimsStatelessEra } from '../stateless/stateless-request-check';
import type { StatelessRouter } from '../stateless/stateless-router';
import type { UpstreamEndpoint, UpstreamEndpoints } from '../upstream/upstream-endpoints';
import { mayHoldResourceContents, withGatewayResourceUris } from '../upstream/resource-uri-prefixer';
import type { CancellationFanOut } from '../upstream/cancellation-fan-out';
import type { ClientStreamChannel } from '../server-requests/client-stream-channel';
import { clientStreamSource } from '../server-requests/client-stream-source';
import type { RootsListChangedFanOut } from '../server-requests/roots-list-changed-fan-out';
import { ServerRequestRemapper } from '../upstream/server-request-remapper';
import type { UpstreamEventStreams } from '../upstream/upstream-event-streams';
import type { UpstreamSessions } from '../upstream/upstream-sessions';
import type {
  BrokerForward,
  ImmediateAnswer,
  InboundRequest,
  PendingInitialize,
  RouteDecision,
  ServerMessageSource,
  UpstreamForward,
} from './route-decision';
import type { RouteTarget, RoutingTable } from './routing-table';
import type { RoutingTableSource } from './routing-table-watch';

export interface RouterCoreOptions {
  readonly routingTable: RoutingTableSource;
  readonly gate: SessionGate;
  readonly upstreamSessions: UpstreamSessions;
  readonly endpoints: UpstreamEndpoints;
  readonly inFlight: InFlightRoutedRequests;
  readonly serverRequests: ServerRequestRemapper;
  /** GET streams of upstream sessions, held during calls of clients that can be asked. */
  readonly eventStreams: UpstreamEventStreams;
  readonly hostOriginPolicy: HostOriginPolicy;
  readonly maxRequestBodyBytes: number;
  /** Passes on a cancellation for a request this replica is not running (it may run on
   * another replica). Without it such a cancellation only reaches the broker. */
  readonly cancellationFanOut?: CancellationFanOut;
  /** The client's own GET stream from any replica: what upstreams send there while no call
   * of theirs runs here (server-requests/unclaimed-server-messages.ts) is injected into
   * the broker's stream the client holds through this router. */
  readonly clientStreams?: ClientStreamChannel;
  /** Passes a client's notifications/roots/list_changed to the upstream sessions that asked
   * for roots (besides the broker, which answers it). */
  readonly rootsListChanged?: RootsListChangedFanOut;
  /** The stateless era (MCP 2026-07-28) and the crossings between eras; absent = session era only. */
  readonly stateless?: StatelessRouter;
  readonly logger: Logger;
  readonly clock?: () => number;
}

const JSON_HEADERS: OutgoingHttpHeaders = Object.freeze({ 'content-type': 'application/json' });

/** A client's answer whose id names no pending server request of its session: unknown,
 * expired, already answered, or another session's (MCP 2025-11-25 "Transports: Sending
 * Messages to the Server": input the server cannot accept gets an HTTP error status, with a
 * JSON-RPC error that has no id). It reaches no upstream. */
const UNKNOWN_ANSWER: ImmediateAnswer = Object.freeze({
  kind: 'answer',
  status: 400,
  headers: JSON_HEADERS,
  body: JSON.stringify(
    errorResponse(null, -32600, 'Invalid Request: the answer names no pending request of this session (unknown, expired or already answered); it was not delivered'),
  ),
});
const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;

const BROKER_STREAM: BrokerForward = Object.freeze({ kind: 'broker', longLived: true, requestId: null });

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What clients read in an unknown-target error, per kind of target. */
function unknownTarget(route: MethodRoute & { kind: 'upstream' }, target: RoutedTarget): GatewayError {
  const what =
    route.target === 'tool' ? 'tool' : route.target === 'prompt' ? 'prompt' : target.field === 'uri' ? 'resource' : 'prompt';
  return new GatewayError('UNKNOWN_TARGET', `Unknown ${what}: ${target.value}`);
}

function missingTarget(route: MethodRoute & { kind: 'upstream' }): GatewayError {
  const field = route.target === 'resource' ? 'params.uri' : 'params.name';
  return new GatewayError('UNKNOWN_TARGET', `Invalid params: ${field} must be a string`);
}

export class RouterCore {
  private readonly clock: () => number;

  constructor(private readonly options: RouterCoreOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /**
   * The checks that need headers only (Host/Origin, media types, HTTP method): a face calls
   * this before reading a body so a refused request is not read at all. Undefined = go on.
   */
  screen(request: Omit<InboundRequest, 'body'>): ImmediateAnswer | undefined {
    try {
      this.options.hostOriginPolicy.check(request.authority, firstHeader(request.headers.origin));
      switch (request.httpMethod) {
        case 'POST':
          // The version header of a POST is checked once its body is parsed, so the refusal
          // can carry the request id (MCP 2026-07-28 UnsupportedProtocolVersionError).
          requirePostMediaTypes(request.headers);
          return undefined;
        case 'GET':
          requireEventStreamAccepted(request.headers);
          return this.checkProtocolVersion(request.headers);
        case 'DELETE':
          return this.checkProtocolVersion(request.headers);
        default:
          return {
            kind: 'answer',
            status: 405,
            headers: { ...JSON_HEADERS, allow: 'GET, POST, DELETE' },
            body: JSON.stringify(errorResponse(null, -32000, 'Method not allowed.')),
          };
      }
    } catch (error) {
      return this.errorAnswer(error, null);
    }
  }

  private checkProtocolVersion(headers: IncomingHttpHeaders, requestId: JsonRpcId | null = null): ImmediateAnswer | undefined {
    const refusal = unsupportedProtocolVersion(headers, requestId);
    return refusal && { kind: 'answer', status: 400, headers: JSON_HEADERS, body: JSON.stringify(refusal) };
  }

  /** Decides where one request goes. Never throws: failures become an ImmediateAnswer.
   * `screened`: the face has already passed these headers through `screen()`. */
  async decide(request: InboundRequest, screened = false): Promise<RouteDecision> {
    const refused = screened ? undefined : this.screen(request);
    if (refused) return refused;
    try {
      if (request.httpMethod === 'POST') return await this.decidePost(request);
      const gatewaySessionId = this.options.gate.signedSessionId(request.headers);
      if (request.httpMethod === 'GET') {
        await this.options.gate.requireLive(gatewaySessionId);
        return BROKER_STREAM;
      }
      return await this.endSession(gatewaySessionId);
    } catch (error) {
      return this.errorAnswer(error, null);
    }
  }

  private async decidePost(request: InboundRequest): Promise<RouteDecision> {
    const body = request.body ?? Buffer.alloc(0);
    if (body.length > this.options.maxRequestBodyBytes) {
      throw new GatewayError('PAYLOAD_TOO_LARGE', `Payload Too Large: the body exceeds ${this.options.maxRequestBodyBytes} bytes`);
    }
    const parsed = parseJsonRpc(body);
    if (!parsed.ok) return { kind: 'answer', status: 400, headers: JSON_HEADERS, body: JSON.stringify(parsed.error) };
    if (parsed.kind === 'batch') return this.checkProtocolVersion(request.headers) ?? this.decideBatch(request, parsed.messages);
    const message = parsed.message;
    const requestId = isRequest(message) ? message.id : null;
    const unsupported = this.checkProtocolVersion(request.headers, requestId);
    if (unsupported) return unsupported;
    try {
      return await this.decideMessage(request, body, message);
    } catch (error) {
      return this.errorAnswer(error, requestId);
    }
  }

  private async decideMessage(request: InboundRequest, body: Buffer, message: JsonRpcMessage): Promise<RouteDecision> {
    const { gate, stateless } = this.options;
    if (stateless && claimsStatelessEra(request.headers, message)) return stateless.decide(request, body, message);
    if ('method' in message) {
      if (message.method === McpMethod.Initialize && isRequest(message)) return this.initialize(message);
      const gatewaySessionId = gate.signedSessionId(request.headers);
      const route = classifyClientMethod(message.method);
      if (route.kind === 'upstream' && isRequest(message)) {
        const routed = await this.routed(request, body, message, route, gatewaySessionId);
        if (routed) return routed;
      } else if (message.method === McpMethod.NotificationsRootsListChanged) {
        this.rootsChanged(request, body, gatewaySessionId);
      } else if (message.method === McpMethod.NotificationsCancelled) {
        const cancelled = this.cancelInFlight(request, body, message.params, gatewaySessionId);
        if (cancelled) return cancelled;
      }
      await gate.requireLive(gatewaySessionId);
      return { kind: 'broker', longLived: false, requestId: isRequest(message) ? message.id : null };
    }
    // A client's answer to a server-initiated request: to the upstream that asked during a
    // routed call, else to the broker.
    const gatewaySessionId = gate.signedSessionId(request.headers);
    if (isResponse(message) && stateless?.ownsAnswer(message)) return stateless.deliverAnswer(gatewaySessionId, message);
    if (isResponse(message)) {
      const answer = await this.answerToUpstream(request, message, gatewaySessionId);
      if (answer) return answer;
      // The broker asks clients nothing: an answer no upstream waits for is refused here.
      await gate.requireLive(gatewaySessionId);
      return UNKNOWN_ANSWER;
    }
    await gate.requireLive(gatewaySessionId);
    return { kind: 'broker', longLived: false, requestId: null };
  }

  /** Messages for the client's GET stream (`headers` of that GET, already decided). */
  clientStreamMessages(headers: IncomingHttpHeaders): ServerMessageSource | undefined {
    const channel = this.options.clientStreams;
    const gatewaySessionId = firstHeader(headers['mcp-session-id']);
    return channel && gatewaySessionId ? clientStreamSource(channel, gatewaySessionId) : undefined;
  }

  /** notifications/roots/list_changed: the askers hear it in the background (the broker
   * still answers the client). */
  private rootsChanged(request: InboundRequest, body: Buffer, gatewaySessionId: string): void {
    const fanOut = this.options.rootsListChanged;
    if (!fanOut) return;
    const headers = traceContextOf(request.headers);
    const clientVersion = firstHeader(request.headers['mcp-protocol-version']);
    const sent = fanOut.send(gatewaySessionId, body, clientVersion === undefined ? headers : { ...headers, 'mcp-protocol-version': clientVersion });
    this.track(sent.then(() => undefined), 'passing roots/list_changed on failed');
  }

  private async answerToUpstream(
    request: InboundRequest,
    message: JsonRpcResponse,
    gatewaySessionId: string,
  ): Promise<UpstreamForward | undefined> {
    const route = await this.options.serverRequests.inbound(gatewaySessionId, message);
    if (!route) return undefined;
    const { serverName, upstreamSessionId = '' } = route.origin;
    const server = this.options.routingTable.current().server(serverName);
    const endpoint = this.options.endpoints.endpoint(serverName, server?.url);
    if (!endpoint) {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${serverName}" is no longer routed`, { server: serverName });
    }
    const protocolVersion = this.options.upstreamSessions.protocolVersion(upstreamSessionId) ?? firstHeader(request.headers['mcp-protocol-version']);
    const traceHeaders = traceContextOf(request.headers);
    return {
      kind: 'upstream',
      serverName,
      endpoint,
      gatewaySessionId,
      upstreamSessionId,
      headers: upstreamHeaders(endpoint, upstreamSessionId, protocolVersion, traceHeaders),
      body: route.body,
      requestId: null,
      renewable: false,
      traceHeaders,
    };
  }

  /** Before a call is sent: when the client can be asked things, the upstream session's GET
   * stream must be open first, or an upstream that asks there would ask no one. */
  async prepareUpstreamCall(call: UpstreamForward): Promise<void> {
    if (!call.listenForServerRequests) return;
    const protocolVersion = firstHeader(call.headers['mcp-protocol-version'] as string | undefined);
    await this.options.eventStreams.listen(call.gatewaySessionId, call.endpoint, call.upstreamSessionId, protocolVersion);
  }

  /** What the upstream session's GET stream brings during `call`, to write into its answer. */
  serverMessagesDuring(call: UpstreamForward): ServerMessageSource | undefined {
    if (!call.listenForServerRequests) return undefined;
    const { eventStreams } = this.options;
    return { attach: (push) => eventStreams.attach(call.upstreamSessionId, push) };
  }

  /** A JSON (not SSE) answer of a routed call, as the client must see it; undefined =
   * unchanged. Only resources/read results through a prefixed server change. */
  rewriteUpstreamAnswer(call: UpstreamForward, body: Buffer): string | undefined {
    return call.resultUriPrefix === undefined ? undefined : withGatewayResourceUris(body, call.resultUriPrefix);
  }

  /** Undefined when the request carries no routable target but may still be answered by
   * the broker (completion/complete without a usable ref). */
  private async routed(
    request: InboundRequest,
    body: Buffer,
    message: JsonRpcRequest,
    route: MethodRoute & { kind: 'upstream' },
    gatewaySessionId: string,
  ): Promise<RouteDecision | undefined> {
    const { gate, upstreamSessions, inFlight } = this.options;
    const target = routedTarget(message);
    if (!target) {
      if (route.target === 'completion') return undefined;
      await gate.requireLive(gatewaySessionId);
      throw missingTarget(route);
    }
    const table = this.options.routingTable.current();
    const resolved = resolveTarget(table, route, target);
    if (!resolved) {
      await gate.requireLive(gatewaySessionId);
      throw unknownTarget(route, target);
    }
    const serverName = resolved.server.name;
    const endpoint = this.endpointOf(serverName, resolved.server.url);
    // A stateless-era upstream has no session to map: the era bridge speaks for the client.
    if (this.options.stateless && protocolEra(resolved.server.protocolVersion) === 'stateless') {
      return this.options.stateless.sessionClientCall(request, message, resolved, target, gatewaySessionId, endpoint);
    }
    const traceHeaders = traceContextOf(request.headers);
    let upstreamSessionId = await gate.lookupUpstream(gatewaySessionId, serverName);
    if (upstreamSessionId === undefined) {
      upstreamSessionId = await upstreamSessions.ensure(gatewaySessionId, endpoint, traceHeaders);
    }
    const protocolVersion = upstreamSessions.protocolVersion(upstreamSessionId) ?? firstHeader(request.headers['mcp-protocol-version']);
    // Known at once where the session was opened; read from the store once elsewhere.
    const listenForServerRequests = await upstreamSessions.clientCanBeAskedOn(gatewaySessionId, upstreamSessionId);
    const forwardedBody = resolved.upstreamValue === target.value ? body : serializeJsonRpc(withRoutedTarget(message, resolved.upstreamValue));
    inFlight.add(gatewaySessionId, message.id, { serverName, upstreamSessionId, protocolVersion });
    const decision: UpstreamForward = {
      kind: 'upstream',
      serverName,
      endpoint,
      gatewaySessionId,
      upstreamSessionId,
      headers: upstreamHeaders(endpoint, upstreamSessionId, protocolVersion, traceHeaders),
      body: forwardedBody,
      requestId: message.id,
      renewable: true,
      traceHeaders,
      ...(listenForServerRequests ? { listenForServerRequests: true } : {}),
    };
    // resources/read through a prefixed server: the result's URIs get the prefix back.
    if (message.method === McpMethod.ResourcesRead && resolved.upstreamValue !== target.value && target.value.endsWith(resolved.upstreamValue)) {
      return { ...decision, resultUriPrefix: target.value.slice(0, target.value.length - resolved.upstreamValue.length) };
    }
    return decision;
  }

  /**
   * One SSE event of a routed call's answer, as the client must see it: a request from the
   * upstream gets a gateway id (see ServerRequestRemapper); a resources/read result through
   * a prefixed server gets gateway URIs. Undefined = pass the event unchanged.
   */
  async rewriteUpstreamEvent(call: UpstreamForward, data: string): Promise<string | undefined> {
    if (call.resultUriPrefix !== undefined && mayHoldResourceContents(data)) {
      const rewritten = withGatewayResourceUris(data, call.resultUriPrefix);
      if (rewritten !== undefined) return rewritten;
    }
    return ServerRequestRemapper.mayHoldRequest(data) ? this.options.serverRequests.outbound(call, data) : undefined;
  }

  /** Whether an SSE event of `call`'s answer may need rewriting (cheap byte test). */
  mayRewriteUpstreamEvent(call: UpstreamForward, data: string | Buffer): boolean {
    return ServerRequestRemapper.mayHoldRequest(data) || (call.resultUriPrefix !== undefined && mayHoldResourceContents(data));
  }

  /** notifications/cancelled for a request running on an upstream goes to that upstream. */
  private cancelInFlight(request: InboundRequest, body: Buffer, params: unknown, gatewaySessionId: string): UpstreamForward | undefined {
    if (!isObject(params)) return undefined;
    const cancelledId = params['requestId'];
    if (typeof cancelledId === 'string' || typeof cancelledId === 'number') {
      // Whatever the upstream asked during that request can no longer be answered, on any replica.
      this.track(this.options.serverRequests.clientCancelled(gatewaySessionId, cancelledId), 'forgetting server request ids failed');
    }
    const target: InFlightTarget | undefined = this.options.inFlight.find(gatewaySessionId, params['requestId']);
    if (!target) {
      this.cancelElsewhere(request, body, params['requestId'], gatewaySessionId);
      return undefined;
    }
    const server = this.options.routingTable.current().server(target.serverName);
    const endpoint = this.options.endpoints.endpoint(target.serverName, server?.url);
    if (!endpoint) return undefined;
    const traceHeaders = traceContextOf(request.headers);
    return {
      kind: 'upstream',
      serverName: target.serverName,
      endpoint,
      gatewaySessionId,
      upstreamSessionId: target.upstreamSessionId,
      headers: upstreamHeaders(endpoint, target.upstreamSessionId, target.protocolVersion, traceHeaders),
      body,
      requestId: null,
      renewable: false,
      traceHeaders,
    };
  }

  /** No call with this id runs here; without session affinity it may run on another
   * replica, so every upstream session of the client is told (CancellationFanOut). The
   * notification itself still goes to the broker, which answers 202 at once. */
  private cancelElsewhere(request: InboundRequest, body: Buffer, requestId: unknown, gatewaySessionId: string): void {
    const fanOut = this.options.cancellationFanOut;
    if (!fanOut || (typeof requestId !== 'string' && typeof requestId !== 'number')) return;
    const headers = traceContextOf(request.headers);
    const clientVersion = firstHeader(request.headers['mcp-protocol-version']);
    const sent = fanOut.send(gatewaySessionId, body, clientVersion === undefined ? headers : { ...headers, 'mcp-protocol-version': clientVersion });
    this.track(sent.then(() => undefined), 'passing a cancellation on failed');
  }

  private initialize(message: JsonRpcRequest): BrokerForward {
    const params = isObject(message.params) ? message.params : {};
    const clientInfo = isObject(params['clientInfo']) ? params['clientInfo'] : {};
    const pending: PendingInitialize = {
      requestedProtocolVersion: typeof params['protocolVersion'] === 'string' ? params['protocolVersion'] : undefined,
      clientCapabilities: isObject(params['capabilities']) ? params['capabilities'] : {},
      clientInfo: {
        ...clientInfo,
        name: typeof clientInfo['name'] === 'string' ? clientInfo['name'] : 'unknown',
        version: typeof clientInfo['version'] === 'string' ? clientInfo['version'] : 'unknown',
      },
    };
    return { kind: 'broker', longLived: false, initialize: pending, requestId: message.id };
  }

  /**
   * After the broker answered `initialize`: record the new gateway session (the router is
   * the only writer of sessions, CORE.md step 4) before the client sees the answer.
   * Throws STORE_UNAVAILABLE when it cannot be recorded.
   */
  async recordInitializedSession(pending: PendingInitialize, status: number, headers: IncomingHttpHeaders, body: Buffer): Promise<void> {
    const gatewaySessionId = firstHeader(headers['mcp-session-id']);
    if (status !== 200 || gatewaySessionId === undefined || gatewaySessionId === '') return;
    const answer = findJsonRpcAnswer(body, firstHeader(headers['content-type']) ?? '');
    if (!answer || isErrorResponse(answer)) return;
    const result = (answer as { result: Record<string, unknown> }).result;
    const protocolVersion =
      typeof result['protocolVersion'] === 'string' ? result['protocolVersion'] : (pending.requestedProtocolVersion ?? '2025-03-26');
    await this.options.gate.record(gatewaySessionId, {
      protocolVersion,
      clientCapabilities: pending.clientCapabilities,
      clientInfo: pending.clientInfo,
      createdAtMs: this.clock(),
    });
  }

  /**
   * The upstream forgot the session of `call` (404, or a 400 about the session): drop the
   * mapping and get a fresh upstream session; the face retries once with the result.
   */
  async renewUpstreamSession(call: UpstreamForward): Promise<UpstreamForward> {
    const { upstreamSessions, inFlight } = this.options;
    this.options.eventStreams.close(call.upstreamSessionId);
    const upstreamSessionId = await upstreamSessions.renew(call.gatewaySessionId, call.endpoint, call.upstreamSessionId, call.traceHeaders);
    const protocolVersion = upstreamSessions.protocolVersion(upstreamSessionId) ?? firstHeader(call.headers['mcp-protocol-version'] as string | undefined);
    if (call.requestId !== null) {
      inFlight.add(call.gatewaySessionId, call.requestId, { serverName: call.serverName, upstreamSessionId, protocolVersion });
    }
    return {
      ...call,
      upstreamSessionId,
      headers: upstreamHeaders(call.endpoint, upstreamSessionId, protocolVersion, call.traceHeaders),
      renewable: false,
      listenForServerRequests: await upstreamSessions.clientCanBeAskedOn(call.gatewaySessionId, upstreamSessionId),
    };
  }

  /** The face is done with a routed call (answered, failed or abandoned). When the
   * upstream asked the client something during the call, those ids expire with it. */
  upstreamCallFinished(call: UpstreamForward, askedTheClient = false): void {
    if (call.requestId !== null) this.options.inFlight.remove(call.gatewaySessionId, call.requestId);
    if (askedTheClient) this.track(this.options.serverRequests.callFinished(call), 'forgetting server request ids failed');
  }

  private async endSession(gatewaySessionId: string): Promise<BrokerForward> {
    const { gate, upstreamSessions, inFlight } = this.options;
    await gate.requireLive(gatewaySessionId);
    const upstream = await gate.end(gatewaySessionId);
    inFlight.forgetSession(gatewaySessionId);
    this.options.eventStreams.closeSession(gatewaySessionId);
    if (this.options.clientStreams) this.track(this.options.clientStreams.dropSession(gatewaySessionId), 'forgetting kept client messages failed');
    if (this.options.rootsListChanged) this.track(this.options.rootsListChanged.sessionEnded(gatewaySessionId), 'forgetting roots askers failed');
    this.track(this.options.serverRequests.sessionEnded(gatewaySessionId), 'forgetting server request ids failed');
    if (upstream.size > 0) {
      this.track(
        upstreamSessions.closeAll(upstream, (serverName) =>
          this.options.endpoints.endpoint(serverName, this.options.routingTable.current().server(serverName)?.url),
        ),
        'closing upstream sessions failed',
      );
    }
    return {
      kind: 'broker',
      longLived: false,
      requestId: null,
      whenBrokerUnreachable: { kind: 'answer', status: 200, headers: {}, body: '' },
    };
  }

  private async decideBatch(request: InboundRequest, messages: readonly JsonRpcMessage[]): Promise<RouteDecision> {
    try {
      if (messages.some((message) => 'method' in message && message.method === McpMethod.Initialize)) {
        throw new GatewayError('BATCH_NOT_SUPPORTED', 'Invalid Request: initialize must not be part of a batch');
      }
      const gatewaySessionId = this.options.gate.signedSessionId(request.headers);
      const session = await this.options.gate.session(gatewaySessionId);
      if (!allowsJsonRpcBatches(session.protocolVersion)) {
        throw new GatewayError('BATCH_NOT_SUPPORTED', `Invalid Request: batches are not supported in protocol version ${session.protocolVersion}`);
      }
      // 2025-03-26 allows batches; the gateway takes them only for what the broker answers,
      // so one batch never fans out over several upstreams.
      if (messages.some((message) => 'method' in message && classifyClientMethod(message.method).kind === 'upstream')) {
        throw new GatewayError('BATCH_NOT_SUPPORTED', 'Invalid Request: batches may not contain tools/call, prompts/get, resources/* or completion/complete');
      }
      return { kind: 'broker', longLived: false, requestId: null };
    } catch (error) {
      return this.errorAnswer(error, null);
    }
  }

  private endpointOf(serverName: string, urlFromRoutingTable: string): UpstreamEndpoint {
    const endpoint = this.options.endpoints.endpoint(serverName, urlFromRoutingTable);
    if (!endpoint) throw new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${serverName}" has no address`, { server: serverName });
    return endpoint;
  }

  /** The one mapping from any failure to what the client is told (GatewayError table). */
  errorAnswer(error: unknown, requestId: JsonRpcId | null): ImmediateAnswer {
    const gatewayError = GatewayError.from(error);
    if (gatewayError.code === 'INTERNAL') {
      this.options.logger.error({ err: error }, 'unexpected error while routing a request');
    }
    return {
      kind: 'answer',
      status: gatewayError.httpStatus,
      headers: JSON_HEADERS,
      body: JSON.stringify(gatewayError.toResponse(requestId)),
    };
  }

  private readonly background = new Set<Promise<void>>();

  private track(work: Promise<void>, failure: string): void {
    const tracked = work
      .catch((error: unknown) => this.options.logger.warn({ err: error }, failure))
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Waits for background work (upstream session DELETEs) to finish. */
  async close(): Promise<void> {
    this.options.eventStreams.closeAll();
    await Promise.all(this.background);
  }
}

function resolveTarget(table: RoutingTable, route: MethodRoute & { kind: 'upstream' }, target: RoutedTarget): RouteTarget | undefined {
  switch (route.target) {
    case 'tool':
      return table.resolveTool(target.value);
    case 'prompt':
      return table.resolvePrompt(target.value);
    case 'resource':
      return table.resolveResourceUri(target.value);
    case 'completion':
      return target.field === 'name' ? table.resolvePrompt(target.value) : table.resolveResourceTemplate(target.value);
  }
}

function traceContextOf(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  let trace: OutgoingHttpHeaders | undefined;
  for (const name of TRACE_HEADERS) {
    const value = headers[name];
    if (value !== undefined) (trace ??= {})[name] = value;
  }
  return trace ?? {};
}

function upstreamHeaders(
  endpoint: UpstreamEndpoint,
  upstreamSessionId: string,
  protocolVersion: string | undefined,
  traceHeaders: OutgoingHttpHeaders,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    ...endpoint.headers,
    ...traceHeaders,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  if (upstreamSessionId !== '') headers['mcp-session-id'] = upstreamSessionId;
  if (protocolVersion !== undefined) headers['mcp-protocol-version'] = protocolVersion;
  return headers;
}
