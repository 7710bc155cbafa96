// The way to the client's own notification stream (its GET /mcp stream, MCP 2025-11-25
// "Transports: Listening for Messages from the Server") from any router replica. Messages
// an upstream sends on its session's GET stream while no call of that upstream session
// runs in this process — a roots/list right after the session opened, a
// notifications/elicitation/complete that arrives after the call's answer, a request while
// the call runs on another replica — have no answer stream to ride on here. They go to the
// client's GET stream instead, which the client keeps open through some replica (the
// router relays it from the broker), and are kept for a while when no such stream is open
// yet (the SDK client opens it right after `initialize`, asynchronously).
//
// A message goes to one stream only (the spec forbids sending the same message on several
// streams): the newest stream of the session in this process, else one other replica.

/** Receives one JSON-RPC message (serialized) for the client. */
export type ClientStreamSink = (data: string) => void;

export interface ClientStreamChannel {
  /** Hands `data` to a GET stream of the session (here or on another replica), or keeps it
   * until one opens (bounded in count and time). Never rejects: delivery is best effort. */
  deliver(gatewaySessionId: string, data: string): Promise<void>;
  /** A GET stream of the session is open here: messages for it arrive at `sink` (those kept
   * for it first) until the returned function is called. Resolves once messages published
   * from now on are sure to arrive. */
  subscribe(gatewaySessionId: string, sink: ClientStreamSink): Promise<() => void>;
  /** The session ended: messages kept for it are dropped. */
  dropSession(gatewaySessionId: string): Promise<void>;
  close(): Promise<void>;
}

/** Most messages kept per session while it has no open stream (oldest dropped first). */
export const MAX_KEPT_MESSAGES = 100;
