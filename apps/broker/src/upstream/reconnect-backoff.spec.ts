import { describe, expect, it } from '@jest/globals';
import { ReconnectBackoff } from './reconnect-backoff';

describe('ReconnectBackoff', () => {
  it('doubles the delay after each failure up to the maximum', () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 });
    expect(Array.from({ length: 6 }, () => backoff.nextDelayMs())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('starts again from the initial delay after a reset', () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 });
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(100);
  });

  it('takes at most the jitter fraction off a delay', () => {
    const low = new ReconnectBackoff({ initialDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0.2, random: () => 1 });
    const high = new ReconnectBackoff({ initialDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0.2, random: () => 0 });
    expect(low.nextDelayMs()).toBe(800);
    expect(high.nextDelayMs()).toBe(1_000);
  });

  it('does not overflow after many failures', () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0 });
    for (let i = 0; i < 2_000; i++) backoff.nextDelayMs();
    expect(backoff.nextDelayMs()).toBe(30_000);
  });
});
