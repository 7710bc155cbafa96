// The abort handle of one outbound call: it fires when the call outlives its timeout or
// when the caller gives up (the client disconnected, the router is closing). Knowing which
// of the two happened lets the caller answer 504 for a timeout and stay silent for a
// client that left. Requests attach themselves (`attach`) and are destroyed directly when
// it fires — no EventTarget listener per call on the hot path (INFRA.md: the router's own
// work per request must be tiny); `signal` gives a standard AbortSignal to code that wants
// one, created only when asked for.

export interface Abortable {
  destroy(error?: Error): unknown;
}

export class CallDeadline {
  private readonly timer: NodeJS.Timeout | undefined;
  private reason: Error | undefined;
  private expired = false;
  private attached: Abortable | undefined;
  private controller: AbortController | undefined;

  constructor(readonly timeoutMs: number) {
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
      this.timer = setTimeout(() => {
        this.expired = true;
        this.fire(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    }
  }

  /** A standard AbortSignal that fires with this deadline. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** True when the timeout, not the caller, aborted the call. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** The in-flight request to destroy if the deadline fires (one at a time: a retry
   * replaces the first request). Destroyed at once when the deadline already fired. */
  attach(request: Abortable): void {
    this.attached = request;
    if (this.reason) request.destroy(this.reason);
  }

  /** The caller gave up (client gone, router closing). */
  abort(reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.fire(new Error(reason));
  }

  /** The call finished: release the timer and the request. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.attached = undefined;
  }

  private fire(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    const attached = this.attached;
    this.attached = undefined;
    attached?.destroy(reason);
    this.controller?.abort(reason);
  }
}
