// The one error a SessionStore throws when its backing store cannot answer (Redis down,
// unreachable, hung, or the store already closed). Callers map it to HTTP 503 / the
// gateway's STORE_UNAVAILABLE error; the cause keeps the driver's error for logs.

export class SessionStoreUnavailableError extends Error {
  readonly code = 'SESSION_STORE_UNAVAILABLE' as const;
  override readonly name = 'SessionStoreUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
