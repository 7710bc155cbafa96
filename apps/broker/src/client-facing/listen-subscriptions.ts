// `subscriptions/listen` streams of stateless-era clients (MCP 2026-07-28 "Subscriptions"):
// the answer to the request is an SSE stream that stays open. The first message is
// `notifications/subscriptions/acknowledged` with the filter the gateway honours; after it,
// each catalog change sends the `list_changed` notifications the client opted in to. Every
// message carries the subscription id (the JSON-RPC id of the listen request) in `_meta`.
// The gateway honours the three list-changed types; `resourceSubscriptions` is not offered,
// so it is left out of the acknowledgment. On shutdown each stream gets the graceful
// completion result before it ends.
import type { ServerResponse } from 'node:http';
import { serializeSseComment, serializeSseEvent } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId } from '@mcp-gateway/jsonrpc';
import type { CatalogFamily } from '../catalog/catalog';

export const SUBSCRIPTION_ID_META_KEY = 'io.modelcontextprotocol/subscriptionId';

export type HonouredFilter = Partial<Record<'toolsListChanged' | 'promptsListChanged' | 'resourcesListChanged', true>>;

const FILTER_FIELD: Readonly<Record<CatalogFamily, keyof HonouredFilter>> = {
  tools: 'toolsListChanged',
  prompts: 'promptsListChanged',
  resources: 'resourcesListChanged',
};

interface Subscription {
  readonly id: JsonRpcId;
  readonly filter: HonouredFilter;
  readonly res: ServerResponse;
}

/** The part of a requested filter the gateway honours. */
export function honouredFilter(requested: unknown): HonouredFilter {
  const filter: HonouredFilter = {};
  if (typeof requested !== 'object' || requested === null) return filter;
  const fields = requested as Record<string, unknown>;
  for (const field of Object.values(FILTER_FIELD)) if (fields[field] === true) filter[field] = true;
  return filter;
}

export class ListenSubscriptions {
  private readonly open = new Set<Subscription>();
  private readonly keepAliveTimer: NodeJS.Timeout | undefined;

  constructor(keepAliveMs: number) {
    if (keepAliveMs > 0) {
      this.keepAliveTimer = setInterval(() => this.keepAlive(), keepAliveMs);
      this.keepAliveTimer.unref();
    }
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Answers a listen request with its stream: acknowledgment first, then changes. */
  listen(id: JsonRpcId, requestedFilter: unknown, res: ServerResponse): void {
    const subscription: Subscription = { id, filter: honouredFilter(requestedFilter), res };
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(
      event({
        jsonrpc: '2.0',
        method: 'notifications/subscriptions/acknowledged',
        params: { _meta: { [SUBSCRIPTION_ID_META_KEY]: id }, notifications: subscription.filter },
      }),
    );
    this.open.add(subscription);
    res.on('close', () => this.open.delete(subscription));
  }

  /** Tells every stream that opted in about the changed families. */
  changed(families: ReadonlySet<CatalogFamily>): void {
    for (const subscription of this.open) {
      let payload = '';
      for (const family of families) {
        if (subscription.filter[FILTER_FIELD[family]] !== true) continue;
        payload += event({ jsonrpc: '2.0', method: `notifications/${family}/list_changed`, params: { _meta: { [SUBSCRIPTION_ID_META_KEY]: subscription.id } } });
      }
      if (payload !== '' && !subscription.res.writableEnded) subscription.res.write(payload);
    }
  }

  /** Ends every stream gracefully (spec "Graceful Closure"). */
  close(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    for (const subscription of this.open) {
      if (subscription.res.writableEnded) continue;
      subscription.res.end(
        event({ jsonrpc: '2.0', id: subscription.id, result: { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: subscription.id } } }),
      );
    }
    this.open.clear();
  }

  private keepAlive(): void {
    const comment = serializeSseComment('keep-alive');
    for (const subscription of this.open) if (!subscription.res.writableEnded) subscription.res.write(comment);
  }
}

function event(message: unknown): string {
  return serializeSseEvent({ event: 'message', data: JSON.stringify(message) });
}
