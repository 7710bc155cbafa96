// What the routing core decides for one client request, independent of the face that
// executes it: the standalone HTTP face carries it out itself; an Envoy ext_proc face
// turns it into header/body mutations or an immediate response. A decision is data only.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { JsonRpcId } from '@mcp-gateway/jsonrpc';
import type { EraBridgePlan } from '../stateless/era-bridge-plan';
import type { UpstreamEndpoint } from '../upstream/upstream-endpoints';

/** A client request as every face can present it. Header names are lower case. */
export interface InboundRequest {
  readonly httpMethod: string;
  /** Host header (HTTP/1.1) or :authority (HTTP/2, Envoy). */
  readonly authority: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The whole body of a POST, already bounded by the face (limits.maxRequestBodyBytes). */
  readonly body: Buffer | undefined;
}

/** Answer the client now; nothing is forwarded. */
export interface ImmediateAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string;
}

/** What the core needs, once the broker has answered `initialize`, to record the session. */
export interface PendingInitialize {
  readonly requestedProtocolVersion: string | undefined;
  readonly clientCapabilities: Record<string, unknown>;
  readonly clientInfo: { readonly name: string; readonly version: string } & Record<string, unknown>;
}

/** Pass the request to the broker's /mcp unchanged (headers and body bytes). */
export interface BrokerForward {
  readonly kind: 'broker';
  /** A GET notification stream: lives as long as the client keeps it (no total timeout). */
  readonly longLived: boolean;
  /** Set for `initialize`: the face must let the core record the session
   * (`RouterCore.recordInitializedSession`) before the answer reaches the client. */
  readonly initialize?: PendingInitialize;
  /** What to answer if the broker cannot be reached (DELETE: the session is gone anyway). */
  readonly whenBrokerUnreachable?: ImmediateAnswer;
  readonly requestId: JsonRpcId | null;
}

/** Send `body` to one upstream with `headers`; stream its answer back, with the gateway
 * session id in place of the upstream's. */
export interface UpstreamForward {
  readonly kind: 'upstream';
  readonly serverName: string;
  readonly endpoint: UpstreamEndpoint;
  readonly gatewaySessionId: string;
  readonly upstreamSessionId: string;
  /** Complete outgoing headers (content-length is added by whoever writes the body). */
  readonly headers: OutgoingHttpHeaders;
  /** The original bytes, or the re-serialised message when the target was rewritten. */
  readonly body: string | Buffer;
  /** The client request id (null for a forwarded notification). */
  readonly requestId: JsonRpcId | null;
  /** True when an upstream 404 may be answered by a fresh upstream session and one retry. */
  readonly renewable: boolean;
  /** Trace context to send along when a session must be opened again. */
  readonly traceHeaders: OutgoingHttpHeaders;
  /** Set for `resources/read` through a prefixed server: what to put in front of each
   * content URI of the result so the client gets gateway URIs back. */
  readonly resultUriPrefix?: string;
  /** The client can answer server requests: hold the upstream session's GET stream during
   * the call (`RouterCore.prepareUpstreamCall`) and pass on what arrives there. */
  readonly listenForServerRequests?: boolean;
  /** Client and upstream speak different protocol eras (MCP 2025 sessions vs 2026-07-28):
   * `headers`/`body` still make a plain forward, but a face that can should hand the call to
   * the era bridge (stateless/era-bridges.ts), which turns each era's requests for client
   * input into the other's. */
  readonly eraBridge?: EraBridgePlan;
}

export type RouteDecision = ImmediateAnswer | BrokerForward | UpstreamForward;

/** Messages for the client that arrive outside the call's own answer (the upstream
 * session's GET stream) while the call runs; `attach` returns the function that stops them. */
export interface ServerMessageSource {
  attach(push: (data: string) => void): () => void;
}
