// The reconciler contract, shaped like controller-runtime's (pkg/reconcile/reconcile.go):
// level-based, given only the key of the object to bring in line with its spec; it returns
// an optional delay after which to look again, or throws. A TerminalReconcileError means
// retrying cannot help (the spec itself is wrong): it is counted and logged, not retried.
import type { Logger } from '@mcp-gateway/telemetry';

export interface ReconcileRequest {
  readonly namespace: string;
  readonly name: string;
}

export interface ReconcileResult {
  /** Reconcile this key again after this long, even if nothing changes. */
  readonly requeueAfterMs?: number;
}

export interface ReconcileContext {
  /** Carries `controller`, `key` and `reconcileID` on every line of this run. */
  readonly logger: Logger;
  readonly reconcileId: string;
}

export interface Reconciler {
  reconcile(request: ReconcileRequest, context: ReconcileContext): Promise<ReconcileResult | undefined>;
}

export class TerminalReconcileError extends Error {
  override readonly name = 'TerminalReconcileError';
}

export function requestFromKey(key: string): ReconcileRequest {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
