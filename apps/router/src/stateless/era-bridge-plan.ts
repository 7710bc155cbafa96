// What a routed call needs when the client and the upstream speak different protocol eras
// (MCP 2025-era sessions vs 2026-07-28 stateless requests). It rides on the UpstreamForward
// decision as data: `headers` and `body` of the decision are a correct plain forward, so a
// face that does not run bridges still reaches the upstream; the standalone HTTP face hands
// calls with a plan to the bridge that turns the other era's server-to-client interactions
// into this client's own (session-upstream-bridge.ts, stateless-upstream-bridge.ts).
import type { JsonRpcRequest } from '@mcp-gateway/jsonrpc';
import type { PooledUpstreamSession } from './pooled-upstream-sessions';

/** A stateless-era client calls a session-era upstream. `shared` is the upstream's shared
 * session (the decision's plain forward uses it); a client that can be asked gets an
 * exclusive session from the bridge instead (pooled-upstream-sessions.ts). */
export interface StatelessClientPlan {
  readonly flow: 'stateless-client';
  readonly shared: PooledUpstreamSession;
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  /** The client asked for log notifications (`_meta` logLevel). */
  readonly wantsLogs: boolean;
  readonly method: string;
  /** The gateway name or URI the client named (a retry must name the same). */
  readonly target: string;
}

/** A session-era client calls a stateless-era upstream. */
export interface SessionClientPlan {
  readonly flow: 'session-client';
  /** The request as sent upstream (with the per-request `_meta` envelope), for re-sends. */
  readonly upstreamRequest: JsonRpcRequest;
  /** What the client declared at `initialize`: only these may be asked of it. */
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
}

export type EraBridgePlan = StatelessClientPlan | SessionClientPlan;
