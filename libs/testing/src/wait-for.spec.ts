import { describe, expect, it } from '@jest/globals';
import { waitFor, WaitForTimeoutError } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first value the probe yields', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `ready after ${calls}` : undefined), { intervalMs: 1 });
    expect(value).toBe('ready after 3');
  });

  it('treats false and null as not ready yet, and resolves with true', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls === 1 ? null : calls >= 3), { intervalMs: 1 });
    expect(value).toBe(true);
    expect(calls).toBe(3);
  });

  it('resolves with a falsy value that is not false, such as 0', async () => {
    expect(await waitFor(() => 0)).toBe(0);
  });

  it('treats a throwing probe as not ready yet', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        if (++calls < 3) throw new Error('connection refused');
        return 42;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(42);
  });

  it('fails after the timeout, naming what it waited for and the last error', async () => {
    const started = Date.now();
    const outcome = waitFor(
      () => {
        throw new Error('still refused');
      },
      { timeoutMs: 100, intervalMs: 10, what: 'the upstream to answer' },
    );
    await expect(outcome).rejects.toThrow(WaitForTimeoutError);
    await expect(outcome).rejects.toThrow(/100 ms waiting for the upstream to answer \(last error: still refused\)/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
