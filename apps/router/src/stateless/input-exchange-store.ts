// Where the state of multi round-trip exchanges between the eras lives (MCP 2026-07-28
// "Multi Round-Trip Requests" on one side, 2025-era server-to-client requests on the other),
// so every round may land on a different router replica: one Redis for all replicas, or
// memory for a single process. Two shapes of state, both expiring by themselves:
//
// - records: one JSON document per exchange, taken (read and deleted atomically) by the
//   round that continues it, so two retries of one exchange cannot both go on;
// - mailboxes: FIFO lists of messages one replica posts and another receives, e.g. the
//   outcome an upstream streamed to replica A that the client's retry on replica B waits
//   for, or a session-era client's answer that replica B received for replica A.
//
// Store failures surface as SessionStoreUnavailableError (answered 503 by the router).
export interface InputExchangeStore {
  /** Saves `record` under `id`, replacing any, for `ttlMs`. */
  save(id: string, record: string, ttlMs: number): Promise<void>;
  /** Reads and deletes the record: only one caller gets it. */
  take(id: string): Promise<string | undefined>;
  /** Appends `message` to `mailbox`; the mailbox expires `ttlMs` after its last post. */
  post(mailbox: string, message: string, ttlMs: number): Promise<void>;
  /**
   * The oldest message of `mailbox`, waiting up to `timeoutMs` for one (0: only what is
   * there now); undefined when none came in time or `signal` fired.
   */
  receive(mailbox: string, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined>;
  close(): Promise<void>;
}
