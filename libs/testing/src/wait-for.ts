// Polls a probe until it yields a value: for tests that wait on something eventually true
// (a server answering, a mapping expiring) without fixed sleeps. `undefined`, `null` and
// `false` mean "not yet" (so `() => list.includes(x)` works as is), and so does a probe that
// throws; the last error is reported if time runs out.

export interface WaitForOptions {
  /** Give up after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Pause between probes (default 25 ms). */
  readonly intervalMs?: number;
  /** Named in the timeout error: "timed out after 5000 ms waiting for <what>". */
  readonly what?: string;
}

export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError === undefined ? '' : ` (last error: ${errorMessage(lastError)})`;
      throw new WaitForTimeoutError(`timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}${reason}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(1, deadline - Date.now()))));
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
