import { describe, it, expect } from '@jest/globals';
import { CallDeadline } from './call-deadline';

class FakeRequest {
  destroyedWith: Error | undefined;
  destroy(error?: Error): void {
    this.destroyedWith = error;
  }
}

describe('CallDeadline', () => {
  it('destroys the attached request when the timeout passes, and says it timed out', async () => {
    const deadline = new CallDeadline(20);
    const request = new FakeRequest();
    deadline.attach(request);
    const signal = deadline.signal;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.timedOut).toBe(true);
    expect(request.destroyedWith?.message).toBe('no answer within 20 ms');
    expect(signal.aborted).toBe(true);
  });

  it('destroys the attached request when the caller gives up, without calling it a timeout', () => {
    const deadline = new CallDeadline(10_000);
    const request = new FakeRequest();
    deadline.attach(request);
    deadline.abort('client disconnected');
    expect(deadline.timedOut).toBe(false);
    expect(deadline.aborted).toBe(true);
    expect(request.destroyedWith?.message).toBe('client disconnected');
    // A request attached after the deadline fired is destroyed at once; a late signal is already aborted.
    const late = new FakeRequest();
    deadline.attach(late);
    expect(late.destroyedWith?.message).toBe('client disconnected');
    expect(deadline.signal.aborted).toBe(true);
  });

  it('does nothing once disposed, and never times out without a positive timeout', async () => {
    const finished = new CallDeadline(20);
    const request = new FakeRequest();
    finished.attach(request);
    finished.dispose();
    const endless = new CallDeadline(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(request.destroyedWith).toBeUndefined();
    expect(finished.timedOut).toBe(false);
    expect(endless.aborted).toBe(false);
  });
});
