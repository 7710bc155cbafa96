// One set of expectations for every InputExchangeStore: in memory, and Redis (a real
// redis-server on a free port, started for this suite).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedisServer, type RedisServerHandle } from '@mcp-gateway/testing';
import { InMemoryInputExchangeStore } from './in-memory-input-exchange-store';
import type { InputExchangeStore } from './input-exchange-store';
import { RedisInputExchangeStore } from './redis-input-exchange-store';

let redis: RedisServerHandle;
const stores: InputExchangeStore[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await redis?.stop();
});

/** Each implementation, and how a second replica reaches the same state (the same object
 * in memory; another connection to the same Redis). */
const implementations: ReadonlyArray<readonly [string, () => InputExchangeStore, (first: InputExchangeStore) => InputExchangeStore]> = [
  ['in memory', () => new InMemoryInputExchangeStore(), (first) => first],
  ['Redis', () => RedisInputExchangeStore.fromUrl(redis.url, { keyPrefix: 'contract:' }), () => RedisInputExchangeStore.fromUrl(redis.url, { keyPrefix: 'contract:' })],
];

describe.each(implementations)('InputExchangeStore (%s)', (_name, create, replicaOf) => {
  function store(): InputExchangeStore {
    const created = create();
    stores.push(created);
    return created;
  }

  it('gives a saved record to exactly one taker', async () => {
    const exchanges = store();
    await exchanges.save('x1', '{"round":1}', 10_000);
    const takers = await Promise.all([exchanges.take('x1'), exchanges.take('x1'), exchanges.take('x1')]);
    expect(takers.filter((value) => value !== undefined)).toEqual(['{"round":1}']);
  });

  it('forgets a record once it expires', async () => {
    const exchanges = store();
    await exchanges.save('x2', 'soon gone', 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await exchanges.take('x2')).toBeUndefined();
  });

  it('delivers mailbox messages in order, once each', async () => {
    const exchanges = store();
    await exchanges.post('m1', 'first', 10_000);
    await exchanges.post('m1', 'second', 10_000);
    expect(await exchanges.receive('m1', 0)).toBe('first');
    expect(await exchanges.receive('m1', 0)).toBe('second');
    expect(await exchanges.receive('m1', 0)).toBeUndefined();
  });

  it('wakes a waiting receiver when another replica posts a message', async () => {
    const waiting = store();
    const posting = replicaOf(waiting);
    if (posting !== waiting) stores.push(posting);
    const received = waiting.receive('m2', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const postedAt = Date.now();
    await posting.post('m2', 'hello', 10_000);
    expect(await received).toBe('hello');
    expect(Date.now() - postedAt).toBeLessThan(1_000);
  });

  it('gives up after the timeout, or when the signal fires', async () => {
    const exchanges = store();
    const startedAt = Date.now();
    expect(await exchanges.receive('m3', 100)).toBeUndefined();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(90);
    const controller = new AbortController();
    const pending = exchanges.receive('m3', 10_000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toBeUndefined();
  });

  it('drops a mailbox nobody reads once it expires', async () => {
    const exchanges = store();
    await exchanges.post('m4', 'stale', 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await exchanges.receive('m4', 0)).toBeUndefined();
  });
});
