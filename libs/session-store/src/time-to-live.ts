// TTLs arrive from configuration and callers; a zero, negative or fractional value would
// make Redis delete a key at once or reject the command, so both stores check it the same way.

export function checkedTtlMs(ttlMs: number, what: string): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new RangeError(`${what} must be a positive number of milliseconds, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}
