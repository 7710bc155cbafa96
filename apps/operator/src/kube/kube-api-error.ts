// A failed API call, reduced to what a reconciler decides on: the HTTP code and the
// Status reason the server sent (404 NotFound, 409 Conflict/AlreadyExists, 422 Invalid...),
// or code 0 when the server could not be reached at all.
import * as k8s from '@kubernetes/client-node';

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly operation: string,
  ) {
    super(`${operation}: ${message}`);
  }

  get isNotFound(): boolean {
    return this.code === 404;
  }

  get isConflict(): boolean {
    return this.code === 409 && this.reason === 'Conflict';
  }

  get isAlreadyExists(): boolean {
    return this.code === 409 && this.reason === 'AlreadyExists';
  }

  /** Worth retrying unchanged later: unreachable server, throttling, server-side trouble, optimistic-concurrency loss. */
  get isTransient(): boolean {
    return this.code === 0 || this.code === 429 || this.code >= 500 || this.isConflict;
  }

  static from(error: unknown, operation: string): KubeApiError {
    if (error instanceof KubeApiError) return error;
    if (error instanceof k8s.ApiException) {
      const body: unknown = error.body;
      let status: { reason?: string; message?: string } = {};
      try {
        status = (typeof body === 'string' ? JSON.parse(body) : body) as { reason?: string; message?: string };
      } catch {
        status = { message: String(body) };
      }
      return new KubeApiError(error.code, status?.reason ?? 'Unknown', status?.message ?? `HTTP ${error.code}`, operation);
    }
    return new KubeApiError(0, 'Unavailable', error instanceof Error ? error.message : String(error), operation);
  }
}
