import { describe, expect, it } from '@jest/globals';
import { WorkQueue } from './work-queue';

describe('work queue', () => {
  it('queues a key once however often it is added, in order of first add', async () => {
    const queue = new WorkQueue();
    for (const key of ['a', 'b', 'a', 'a', 'c']) queue.add(key);
    expect(queue.length).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
  });

  it('never hands out a key being processed; an add meanwhile queues it again when done', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const first = await queue.get();
    queue.add('a');
    expect(queue.length).toBe(0);
    queue.done(first as string);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('a');
  });

  it('doubles the retry delay of a failing key up to the maximum, and starts over after forget', () => {
    const queue = new WorkQueue({ initialDelayMs: 10, maxDelayMs: 50 });
    expect([1, 2, 3, 4, 5].map(() => queue.addRateLimited('a'))).toEqual([10, 20, 40, 50, 50]);
    queue.forget('a');
    expect(queue.addRateLimited('a')).toBe(10);
    queue.shutdown();
  });

  it('delivers a delayed key after its delay, keeping the earliest of two delays', async () => {
    const queue = new WorkQueue();
    const started = Date.now();
    queue.addAfter('a', 200);
    queue.addAfter('a', 30);
    expect(await queue.get()).toBe('a');
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('wakes waiting workers with undefined on shutdown', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutdown();
    expect(await waiting).toBeUndefined();
  });
});
