// The routing decisions of the stateless era (MCP 2026-07-28), beside the session era's in
// RouterCore, and the crossings between the eras:
//
// | client \ upstream | session era                          | stateless era                     |
// | session era       | RouterCore (upstream sessions)       | sessionClientCall → bridge        |
// | stateless era     | decide → pooled session + bridge     | decide → plain forward, no state  |
//
// A stateless-era request is checked (stateless-request-check.ts), then: gateway methods go
// to the broker (which answers without a session); routed methods go to the owning upstream.
// A stateless upstream gets the request as it is — prefix stripped from the target and the
// Mcp-Name header, every other header the spec mirrors (`Mcp-Param-*`) passed on — and its
// answer, input-required results included, goes back untouched: nothing is stored, nothing
// is looked up but the in-memory routing table. A session-era upstream is reached over a
// pooled upstream session (pooled-upstream-sessions.ts) with the session-era bridge; a retry
// carrying this gateway's requestState resumes its parked exchange.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import {
  classifyClientMethod,
  errorResponse,
  GatewayError,
  JsonRpcErrorCode,
  McpMethod,
  protocolEra,
  routedTarget,
  serializeJsonRpc,
  withRoutedTarget,
} from '@mcp-gateway/jsonrpc';
import type { JsonRpcMessage, JsonRpcRequest, JsonRpcResponse, MethodRoute, RoutedTarget } from '@mcp-gateway/jsonrpc';
import type { GatewaySessionRecord } from '@mcp-gateway/session-store';
import type { ImmediateAnswer, InboundRequest, RouteDecision, UpstreamForward } from '../routing/route-decision';
import type { RouteTarget, RoutingTable } from '../routing/routing-table';
import type { RoutingTableSource } from '../routing/routing-table-watch';
import type { SessionGate } from '../session/session-gate';
import type { UpstreamEndpoint, UpstreamEndpoints } from '../upstream/upstream-endpoints';
import { encodeMcpHeaderValue } from './mcp-header-value';
import type { PooledUpstreamSessions } from './pooled-upstream-sessions';
import { isGatewayRequestState } from './session-upstream-bridge';
import type { SessionUpstreamBridge } from './session-upstream-bridge';
import { CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, checkStatelessRequest, PROTOCOL_VERSION_META_KEY } from './stateless-request-check';
import type { StatelessRequest } from './stateless-request-check';
import { StatelessUpstreamBridge } from './stateless-upstream-bridge';
import { sessionRequestHeaders } from './upstream-exchange';

export interface StatelessRouterOptions {
  readonly routingTable: RoutingTableSource;
  readonly endpoints: UpstreamEndpoints;
  readonly gate: SessionGate;
  readonly pooled: PooledUpstreamSessions;
  readonly sessionUpstreams: SessionUpstreamBridge;
  readonly statelessUpstreams: StatelessUpstreamBridge;
  /** Most session records cached for session-era clients of stateless upstreams. */
  readonly maxCachedSessions?: number;
}

const JSON_HEADERS: OutgoingHttpHeaders = Object.freeze({ 'content-type': 'application/json' });
const ACCEPTED: ImmediateAnswer = Object.freeze({ kind: 'answer', status: 202, headers: {}, body: '' });
const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;
const REMOVED_METHODS: ReadonlySet<string> = new Set([McpMethod.ResourcesSubscribe, McpMethod.ResourcesUnsubscribe]);
/** Methods whose target is mirrored in Mcp-Name. */
const NAMED_METHODS: ReadonlySet<string> = new Set([McpMethod.ToolsCall, McpMethod.PromptsGet, McpMethod.ResourcesRead]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function answer(status: number, body: unknown): ImmediateAnswer {
  return { kind: 'answer', status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

export class StatelessRouter {
  private readonly sessionRecords = new Map<string, GatewaySessionRecord>();
  private readonly maxCachedSessions: number;

  constructor(private readonly options: StatelessRouterOptions) {
    this.maxCachedSessions = options.maxCachedSessions ?? 10_000;
  }

  /** A stateless-era request (see claimsStatelessEra). Never throws for a client's mistake. */
  async decide(request: InboundRequest, body: Buffer, message: JsonRpcMessage): Promise<RouteDecision> {
    const checked = checkStatelessRequest(request.headers, message);
    if (!checked.ok) return answer(checked.status, checked.error);
    if (checked.value === undefined) return ACCEPTED;
    const call = checked.value;
    const { request: rpc } = call;
    if (REMOVED_METHODS.has(rpc.method)) {
      return answer(404, errorResponse(rpc.id, JsonRpcErrorCode.MethodNotFound, `Method not found: ${rpc.method} (removed in protocol version ${call.protocolVersion})`));
    }
    const route = classifyClientMethod(rpc.method);
    if (route.kind === 'upstream') {
      const routed = await this.routed(request, body, call, route);
      if (routed) return routed;
    }
    return { kind: 'broker', longLived: rpc.method === McpMethod.SubscriptionsListen, requestId: rpc.id };
  }

  /** A session-era client's call to a stateless-era upstream (called by RouterCore). */
  async sessionClientCall(
    request: InboundRequest,
    message: JsonRpcRequest,
    resolved: RouteTarget,
    target: RoutedTarget,
    gatewaySessionId: string,
    endpoint: UpstreamEndpoint,
  ): Promise<UpstreamForward> {
    const session = await this.sessionRecord(gatewaySessionId);
    const upstreamVersion = resolved.server.protocolVersion;
    const routed = withRoutedTarget(message, resolved.upstreamValue);
    const params = isObject(routed.params) ? routed.params : {};
    const meta = isObject(params['_meta']) ? params['_meta'] : {};
    // MCP 2026-07-28 "_meta": every request carries its version and the client's
    // capabilities; the gateway speaks for the client with what it declared at initialize.
    const upstreamRequest: JsonRpcRequest = {
      ...routed,
      params: {
        ...params,
        _meta: {
          ...meta,
          [PROTOCOL_VERSION_META_KEY]: upstreamVersion,
          [CLIENT_CAPABILITIES_META_KEY]: session.clientCapabilities,
          [CLIENT_INFO_META_KEY]: session.clientInfo,
        },
      },
    };
    const traceHeaders = traceContextOf(request.headers);
    return {
      kind: 'upstream',
      serverName: resolved.server.name,
      endpoint,
      gatewaySessionId,
      upstreamSessionId: '',
      headers: statelessHeaders(endpoint, upstreamVersion, message.method, resolved.upstreamValue, traceHeaders, undefined),
      body: serializeJsonRpc(upstreamRequest),
      requestId: message.id,
      renewable: false,
      traceHeaders,
      ...resultUriPrefix(message.method, target.value, resolved.upstreamValue),
      eraBridge: { flow: 'session-client', upstreamRequest, clientCapabilities: session.clientCapabilities },
    };
  }

  /** Whether a session-era client's response answers a request an era bridge sent. */
  ownsAnswer(message: JsonRpcResponse): boolean {
    return message.id !== null && StatelessUpstreamBridge.ownsAnswer(message.id);
  }

  deliverAnswer(gatewaySessionId: string, message: JsonRpcResponse): Promise<ImmediateAnswer> {
    return this.options.statelessUpstreams.deliver(gatewaySessionId, message);
  }

  /** Undefined: no usable target, the broker answers (completion/complete only). */
  private async routed(request: InboundRequest, body: Buffer, call: StatelessRequest, route: MethodRoute & { kind: 'upstream' }): Promise<RouteDecision | undefined> {
    const rpc = call.request;
    const target = routedTarget(rpc);
    if (!target) {
      if (route.target === 'completion') return undefined;
      const field = route.target === 'resource' ? 'params.uri' : 'params.name';
      return answer(200, errorResponse(rpc.id, JsonRpcErrorCode.InvalidParams, `Invalid params: ${field} must be a string`));
    }
    const resolved = resolveTarget(this.options.routingTable.current(), route, target);
    if (!resolved) {
      // MCP 2026-07-28 "Resources: Error Handling": -32602, and the URI SHOULD be in data.uri.
      const data = target.field === 'uri' ? { uri: target.value } : undefined;
      return answer(200, errorResponse(rpc.id, JsonRpcErrorCode.InvalidParams, unknownTargetMessage(route, target), data));
    }
    const endpoint = this.options.endpoints.endpoint(resolved.server.name, resolved.server.url);
    if (!endpoint) {
      const failure = new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${resolved.server.name}" has no address`, { server: resolved.server.name });
      return answer(failure.httpStatus, failure.toResponse(rpc.id));
    }
    const traceHeaders = traceContextOf(request.headers);
    const params = rpc.params as Record<string, unknown>;

    if (protocolEra(resolved.server.protocolVersion) === 'stateless') {
      const upstreamVersion = resolved.server.protocolVersion;
      const rewritten = resolved.upstreamValue !== target.value || upstreamVersion !== call.protocolVersion;
      const forwarded = rewritten ? serializeJsonRpc(withVersion(withRoutedTarget(rpc, resolved.upstreamValue), upstreamVersion)) : body;
      return {
        kind: 'upstream',
        serverName: resolved.server.name,
        endpoint,
        gatewaySessionId: '',
        upstreamSessionId: '',
        headers: statelessHeaders(endpoint, upstreamVersion, rpc.method, resolved.upstreamValue, traceHeaders, request.headers),
        body: forwarded,
        requestId: rpc.id,
        renewable: false,
        traceHeaders,
        ...resultUriPrefix(rpc.method, target.value, resolved.upstreamValue),
      };
    }

    // A session-era upstream. A retry of an exchange this gateway parked continues it.
    if (isGatewayRequestState(params['requestState'])) {
      return this.options.sessionUpstreams.resume({ request: rpc, target: target.value, endpoint });
    }
    let pooled;
    try {
      pooled = await this.options.pooled.sharedSession(endpoint);
    } catch (error) {
      const failure = GatewayError.from(error);
      return answer(failure.httpStatus, failure.toResponse(rpc.id));
    }
    return {
      kind: 'upstream',
      serverName: resolved.server.name,
      endpoint,
      gatewaySessionId: '',
      upstreamSessionId: pooled.sessionId,
      headers: sessionRequestHeaders(endpoint, pooled, traceHeaders),
      body: serializeJsonRpc(asSessionEraRequest(withRoutedTarget(rpc, resolved.upstreamValue))),
      requestId: rpc.id,
      renewable: false,
      traceHeaders,
      ...resultUriPrefix(rpc.method, target.value, resolved.upstreamValue),
      eraBridge: {
        flow: 'stateless-client',
        shared: pooled,
        clientCapabilities: call.clientCapabilities,
        wantsLogs: call.wantsLogs,
        method: rpc.method,
        target: target.value,
      },
    };
  }

  /** The session's record: live (one store round trip), cached after the first read. */
  private async sessionRecord(gatewaySessionId: string): Promise<GatewaySessionRecord> {
    const { gate } = this.options;
    const cached = this.sessionRecords.get(gatewaySessionId);
    if (cached) {
      await gate.requireLive(gatewaySessionId);
      return cached;
    }
    const record = await gate.session(gatewaySessionId);
    await gate.requireLive(gatewaySessionId);
    if (this.sessionRecords.size >= this.maxCachedSessions) {
      const oldest = this.sessionRecords.keys().next();
      if (!oldest.done) this.sessionRecords.delete(oldest.value);
    }
    this.sessionRecords.set(gatewaySessionId, record);
    return record;
  }
}

/** The request as a 2025-era upstream expects it: no 2026-07-28 envelope keys in `_meta`. */
function asSessionEraRequest(request: JsonRpcRequest): JsonRpcRequest {
  const params = request.params as Record<string, unknown>;
  const meta = params['_meta'];
  if (!isObject(meta)) return request;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) if (!key.startsWith('io.modelcontextprotocol/')) kept[key] = value;
  const { _meta: _dropped, inputResponses: _responses, requestState: _state, ...rest } = params;
  return { ...request, params: Object.keys(kept).length > 0 ? { ...rest, _meta: kept } : rest };
}

/** The request with `_meta`'s protocol version set to the upstream's. */
function withVersion(request: JsonRpcRequest, version: string): JsonRpcRequest {
  const params = request.params as Record<string, unknown>;
  const meta = isObject(params['_meta']) ? params['_meta'] : {};
  if (meta[PROTOCOL_VERSION_META_KEY] === version) return request;
  return { ...request, params: { ...params, _meta: { ...meta, [PROTOCOL_VERSION_META_KEY]: version } } };
}

/**
 * Headers for a stateless-era upstream (MCP 2026-07-28 "Request Metadata"): its version,
 * Mcp-Method, Mcp-Name with the upstream's own name, and — from a stateless client — the
 * `Mcp-Param-*` headers it mirrored from the tool's arguments, which the upstream checks.
 */
function statelessHeaders(
  endpoint: UpstreamEndpoint,
  protocolVersion: string,
  method: string,
  upstreamValue: string,
  traceHeaders: OutgoingHttpHeaders,
  clientHeaders: IncomingHttpHeaders | undefined,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    ...endpoint.headers,
    ...traceHeaders,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': protocolVersion,
    'mcp-method': method,
  };
  if (NAMED_METHODS.has(method)) headers['mcp-name'] = encodeMcpHeaderValue(upstreamValue);
  if (clientHeaders) for (const name in clientHeaders) if (name.startsWith('mcp-param-')) headers[name] = clientHeaders[name];
  return headers;
}

function resultUriPrefix(method: string, gatewayValue: string, upstreamValue: string): { resultUriPrefix?: string } {
  if (method !== McpMethod.ResourcesRead || gatewayValue === upstreamValue || !gatewayValue.endsWith(upstreamValue)) return {};
  return { resultUriPrefix: gatewayValue.slice(0, gatewayValue.length - upstreamValue.length) };
}

function traceContextOf(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const trace: OutgoingHttpHeaders = {};
  for (const name of TRACE_HEADERS) if (headers[name] !== undefined) trace[name] = headers[name];
  return trace;
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

function unknownTargetMessage(route: MethodRoute & { kind: 'upstream' }, target: RoutedTarget): string {
  const what = route.target === 'tool' ? 'tool' : route.target === 'prompt' ? 'prompt' : target.field === 'uri' ? 'resource' : 'prompt';
  return `Unknown ${what}: ${target.value}`;
}

