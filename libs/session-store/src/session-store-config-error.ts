// Thrown at construction when a store is configured with something it cannot use (a URL
// that is not redis:// or rediss://, a bad database number). Never thrown per call.

export class SessionStoreConfigError extends Error {
  readonly code = 'SESSION_STORE_CONFIG' as const;
  override readonly name = 'SessionStoreConfigError';
}
