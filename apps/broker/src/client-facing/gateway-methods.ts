// Answers the JSON-RPC requests the gateway itself owns (everything the router does not
// route to one upstream): initialize, ping, the four aggregated lists, logging/setLevel,
// and completion/complete without a target. Produces serialized responses; the HTTP layer
// around it (mcp-endpoint.ts) deals with sessions and status codes.
import { JsonRpcErrorCode, errorResponse, serializeJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcRequest } from '@mcp-gateway/jsonrpc';
import type { ListMethod, ListPages } from '../catalog/list-pages';
import { negotiateProtocolVersion } from './protocol-version-negotiation';

export interface GatewayServerInfo {
  readonly name: string;
  readonly version: string;
}

/** What the gateway declares to clients (CORE.md: the broker's `/mcp`). */
export const GATEWAY_CAPABILITIES = Object.freeze({
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  completions: {},
  logging: {},
});

/** RFC 5424 levels, as listed by the spec's `LoggingLevel`. */
const LOGGING_LEVELS = new Set(['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']);

const LIST_METHOD_SET: ReadonlySet<string> = new Set<ListMethod>(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']);

/** One serialized JSON-RPC response in pieces, to be written in order (list pages are
 * pre-encoded buffers that must not be copied per request). */
export type ResponseChunks = readonly (string | Buffer)[];

export type InitializeOutcome =
  | { readonly ok: true; readonly protocolVersion: string; readonly responseJson: string }
  | { readonly ok: false; readonly responseJson: string };

export class GatewayMethods {
  constructor(
    private readonly listPages: ListPages,
    private readonly serverInfo: GatewayServerInfo,
    private readonly instructions?: string,
  ) {}

  initialize(request: JsonRpcRequest): InitializeOutcome {
    const params = asRecord(request.params);
    const requested = params?.['protocolVersion'];
    if (typeof requested !== 'string') {
      return { ok: false, responseJson: invalidParams(request.id, 'initialize needs params.protocolVersion (a string)') };
    }
    const protocolVersion = negotiateProtocolVersion(requested);
    const result: Record<string, unknown> = {
      protocolVersion,
      capabilities: GATEWAY_CAPABILITIES,
      serverInfo: this.serverInfo,
    };
    if (this.instructions) result['instructions'] = this.instructions;
    return { ok: true, protocolVersion, responseJson: serializeJsonRpc({ jsonrpc: '2.0', id: request.id, result }) };
  }

  /** The serialized response to a gateway-owned request (never `initialize`). */
  respond(request: JsonRpcRequest): ResponseChunks {
    const { id, method } = request;
    if (LIST_METHOD_SET.has(method)) return this.listPage(id, method as ListMethod, asRecord(request.params)?.['cursor']);
    return [this.respondSmall(request)];
  }

  private respondSmall(request: JsonRpcRequest): string {
    const { id, method } = request;
    switch (method) {
      case 'ping':
        return emptyResult(id);
      case 'logging/setLevel': {
        const level = asRecord(request.params)?.['level'];
        if (typeof level !== 'string' || !LOGGING_LEVELS.has(level)) {
          return invalidParams(id, `logging/setLevel needs params.level, one of ${[...LOGGING_LEVELS].join(', ')}`);
        }
        // The broker itself emits no log notifications to clients; upstream log messages go
        // over the routed streams, so there is nothing to filter here.
        return emptyResult(id);
      }
      case 'completion/complete':
        // Reached only when the router found no upstream target for the reference.
        return serializeJsonRpc({ jsonrpc: '2.0', id, result: { completion: { values: [], hasMore: false } } });
      case 'initialize':
        return serializeJsonRpc(errorResponse(id, JsonRpcErrorCode.InvalidRequest, 'initialize cannot be sent in a batch or on an existing session'));
      default:
        return serializeJsonRpc(errorResponse(id, JsonRpcErrorCode.MethodNotFound, `Method not found: ${method}`));
    }
  }

  private listPage(id: JsonRpcId, method: ListMethod, cursor: unknown): ResponseChunks {
    const page = this.listPages.page(method, cursor);
    if (!page.ok) return [invalidParams(id, `${method}: ${page.reason}`)];
    // Hot path: the page is pre-encoded; only the id is serialized per request.
    return [`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`, page.result, '}'];
  }
}

function emptyResult(id: JsonRpcId): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{}}`;
}

function invalidParams(id: JsonRpcId, message: string): string {
  return serializeJsonRpc(errorResponse(id, JsonRpcErrorCode.InvalidParams, message));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
