// The broker's answers to stateless-era clients (MCP 2026-07-28), reached through the router
// without any session: `server/discover`, the four aggregated lists with caching hints,
// `subscriptions/listen`, and `completion/complete` without a target. Every result carries
// `resultType: "complete"` and the gateway's identity in `_meta` (spec "Per-response protocol
// fields"). Methods this revision removed (`initialize`, `ping`, `logging/setLevel`,
// `resources/subscribe`, …) and unknown ones get -32601 with HTTP 404 (spec "Protocol
// Version Header": a server that does not implement the method MUST answer 404).
// The router has validated headers, body and `_meta` before the request got here.
import type { ServerResponse } from 'node:http';
import { JsonRpcErrorCode, errorResponse, isNotification, isRequest, serializeJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcRequest, ParseOutcome } from '@mcp-gateway/jsonrpc';
import type { ListMethod, ListPages } from '../catalog/list-pages';
import type { UpstreamSource } from '../upstream/upstream-pool';
import { gatewayCacheHint } from './gateway-cache-hints';
import type { ListenSubscriptions } from './listen-subscriptions';
import { SERVER_INFO_META_KEY, discoverResult } from './server-discover';
import type { GatewayIdentity } from './server-discover';

export interface StatelessGatewayMethodsOptions {
  readonly listPages: ListPages;
  /** The upstreams as the catalog sees them now (capabilities and caching hints). */
  readonly sources: () => readonly UpstreamSource[];
  readonly identity: GatewayIdentity;
  readonly subscriptions: ListenSubscriptions;
  readonly instructions?: string;
  readonly clock?: () => number;
  /** Observes each JSON-RPC method answered (metrics). */
  readonly onMethod?: (method: string) => void;
}

const LIST_METHODS: ReadonlySet<string> = new Set<ListMethod>(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']);

export class StatelessGatewayMethods {
  private readonly clock: () => number;
  /** `,"_meta":{serverInfo}` once: appended to every pre-encoded list page. */
  private readonly metaSuffix: string;

  constructor(private readonly options: StatelessGatewayMethodsOptions) {
    this.clock = options.clock ?? Date.now;
    this.metaSuffix = `,"_meta":${JSON.stringify({ [SERVER_INFO_META_KEY]: options.identity })}`;
  }

  /** Answers one parsed POST body on `res`. */
  answer(parsed: ParseOutcome, res: ServerResponse): void {
    if (!parsed.ok) return sendJson(res, 400, serializeJsonRpc(parsed.error));
    if (parsed.kind === 'batch') {
      return sendJson(res, 400, serializeJsonRpc(errorResponse(null, JsonRpcErrorCode.InvalidRequest, 'Invalid Request: batches are not supported in protocol version 2026-07-28')));
    }
    const message = parsed.message;
    if (isNotification(message)) {
      // No client notification is defined over Streamable HTTP in this revision; accepted
      // and dropped (spec "Sending Messages": 202 Accepted).
      res.writeHead(202).end();
      return;
    }
    if (!isRequest(message)) {
      return sendJson(res, 400, serializeJsonRpc(errorResponse(null, JsonRpcErrorCode.InvalidRequest, 'Invalid Request: clients do not send responses in protocol version 2026-07-28')));
    }
    this.options.onMethod?.(message.method);
    this.respond(message, res);
  }

  private respond(request: JsonRpcRequest, res: ServerResponse): void {
    const { id, method } = request;
    const params = asRecord(request.params);
    if (LIST_METHODS.has(method)) return this.listPage(id, method as ListMethod, params?.['cursor'], res);
    switch (method) {
      case 'server/discover':
        return sendJson(res, 200, result(id, discoverResult(this.options.sources(), this.options.identity, this.clock(), this.options.instructions)));
      case 'subscriptions/listen':
        return this.options.subscriptions.listen(id, params?.['notifications'], res);
      case 'completion/complete':
        // Reached only when the router found no upstream for the reference.
        return sendJson(res, 200, result(id, { resultType: 'complete', completion: { values: [], hasMore: false }, _meta: { [SERVER_INFO_META_KEY]: this.options.identity } }));
      default:
        return sendJson(res, 404, serializeJsonRpc(errorResponse(id, JsonRpcErrorCode.MethodNotFound, `Method not found: ${method}`)));
    }
  }

  private listPage(id: JsonRpcId, method: ListMethod, cursor: unknown, res: ServerResponse): void {
    const page = this.options.listPages.page(method, cursor);
    if (!page.ok) return sendJson(res, 200, serializeJsonRpc(errorResponse(id, JsonRpcErrorCode.InvalidParams, `${method}: ${page.reason}`)));
    const hint = gatewayCacheHint(method, this.options.sources(), this.clock());
    // The page is pre-encoded `{"tools":[…],"nextCursor":…}`: its closing brace is replaced by
    // the per-request fields, without copying the page (list-pages.ts "Hot path").
    const head = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`;
    const tail = `,"resultType":"complete","ttlMs":${hint.ttlMs},"cacheScope":"${hint.cacheScope}"${this.metaSuffix}}}`;
    const body = page.result.subarray(0, page.result.length - 1);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(head) + body.length + Buffer.byteLength(tail) });
    res.cork();
    res.write(head);
    res.write(body);
    res.end(tail);
    res.uncork();
  }
}

function result(id: JsonRpcId, value: Record<string, unknown>): string {
  return serializeJsonRpc({ jsonrpc: '2.0', id, result: value });
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
