// The AbortSignal of one outbound call: fires when the call outlives its timeout or when
// the caller gives up (the client disconnected). Knowing which of the two happened lets
// the caller answer 504 for a timeout and stay silent for a client that left.

export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private expired = false;

  constructor(readonly timeoutMs: number) {
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
      this.timer = setTimeout(() => {
        this.expired = true;
        this.controller.abort(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the timeout, not the caller, aborted the call. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** The caller gave up (client gone, router closing). */
  abort(reason: string): void {
    this.dispose();
    if (!this.controller.signal.aborted) this.controller.abort(new Error(reason));
  }

  /** The call finished: release the timer. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
