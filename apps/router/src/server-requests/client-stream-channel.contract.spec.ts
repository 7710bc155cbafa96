// One set of expectations for every ClientStreamChannel (in memory; Redis on a real
// redis-server of its own), plus what only the shared one can do: reach a stream held by
// another replica.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startRedisServer, waitFor } from '@mcp-gateway/testing';
import type { RedisServerHandle } from '@mcp-gateway/testing';
import { createLogger } from '@mcp-gateway/telemetry';
import type { ClientStreamChannel } from './client-stream-channel';
import { MAX_KEPT_MESSAGES } from './client-stream-channel';
import { InMemoryClientStreamChannel } from './in-memory-client-stream-channel';
import { RedisClientStreamChannel } from './redis-client-stream-channel';

const logger = createLogger({ service: 'spec', level: 'error' });
const KEEP_MS = 60_000;
const newSessionId = (): string => randomBytes(16).toString('base64url');

interface Implementation {
  readonly name: string;
  open(keepMs?: number): Promise<ClientStreamChannel>;
  closeAll(): Promise<void>;
}

let redis: RedisServerHandle | undefined;
const opened: ClientStreamChannel[] = [];

const implementations: Implementation[] = [
  {
    name: 'InMemoryClientStreamChannel',
    async open(keepMs = KEEP_MS) {
      const channel = new InMemoryClientStreamChannel({ keepMs });
      opened.push(channel);
      return channel;
    },
    async closeAll() {
      for (const channel of opened.splice(0)) await channel.close();
    },
  },
  {
    name: 'RedisClientStreamChannel',
    async open(keepMs = KEEP_MS) {
      redis ??= await startRedisServer();
      const channel = RedisClientStreamChannel.fromUrl(redis.url, { keyPrefix: 'contract:', keepMs, logger });
      opened.push(channel);
      return channel;
    },
    async closeAll() {
      for (const channel of opened.splice(0)) await channel.close();
      await redis?.stop();
      redis = undefined;
    },
  },
];

describe.each(implementations)('$name (ClientStreamChannel contract)', (implementation) => {
  let channel: ClientStreamChannel;

  beforeAll(async () => {
    channel = await implementation.open();
  });

  afterAll(async () => {
    await implementation.closeAll();
  });

  it('hands a message to the open stream of the session, and only to that session', async () => {
    const mine = newSessionId();
    const other = newSessionId();
    const got: string[] = [];
    const gotOther: string[] = [];
    const stop = await channel.subscribe(mine, (data) => got.push(data));
    const stopOther = await channel.subscribe(other, (data) => gotOther.push(data));
    await channel.deliver(mine, '{"n":1}');
    await waitFor(() => got.length === 1, { what: 'the message' });
    expect(got).toEqual(['{"n":1}']);
    expect(gotOther).toEqual([]);
    stop();
    stopOther();
  });

  it('keeps messages for a session without an open stream and hands them over, in order, when one opens', async () => {
    const session = newSessionId();
    await channel.deliver(session, '{"n":1}');
    await channel.deliver(session, '{"n":2}');
    const got: string[] = [];
    const stop = await channel.subscribe(session, (data) => got.push(data));
    expect(got).toEqual(['{"n":1}', '{"n":2}']);
    await channel.deliver(session, '{"n":3}');
    await waitFor(() => got.length === 3, { what: 'the live message' });
    stop();
    // Handed over once: a second stream does not get them again.
    const again: string[] = [];
    const stopAgain = await channel.subscribe(session, (data) => again.push(data));
    expect(again).toEqual([]);
    stopAgain();
  });

  it('sends each message to one stream only: the newest of the session', async () => {
    const session = newSessionId();
    const older: string[] = [];
    const newer: string[] = [];
    const stopOlder = await channel.subscribe(session, (data) => older.push(data));
    const stopNewer = await channel.subscribe(session, (data) => newer.push(data));
    await channel.deliver(session, '{"n":1}');
    await waitFor(() => newer.length === 1, { what: 'the newest stream' });
    expect(older).toEqual([]);
    stopNewer();
    await channel.deliver(session, '{"n":2}');
    await waitFor(() => older.length === 1, { what: 'the remaining stream' });
    stopOlder();
  });

  it(`keeps at most ${MAX_KEPT_MESSAGES} messages per session, dropping the oldest`, async () => {
    const session = newSessionId();
    for (let n = 1; n <= MAX_KEPT_MESSAGES + 5; n++) await channel.deliver(session, `{"n":${n}}`);
    const got: string[] = [];
    const stop = await channel.subscribe(session, (data) => got.push(data));
    expect(got).toHaveLength(MAX_KEPT_MESSAGES);
    expect(got[0]).toBe('{"n":6}');
    stop();
  });

  it('forgets kept messages when they expire and when the session ends', async () => {
    const shortLived = await implementation.open(100);
    const expiring = newSessionId();
    await shortLived.deliver(expiring, '{"n":1}');
    await new Promise((resolve) => setTimeout(resolve, 250));
    const got: string[] = [];
    (await shortLived.subscribe(expiring, (data) => got.push(data)))();
    expect(got).toEqual([]);

    const ended = newSessionId();
    await channel.deliver(ended, '{"n":1}');
    await channel.dropSession(ended);
    (await channel.subscribe(ended, (data) => got.push(data)))();
    expect(got).toEqual([]);
  });
});

describe('RedisClientStreamChannel across replicas', () => {
  let server: RedisServerHandle;
  let replicaA: RedisClientStreamChannel;
  let replicaB: RedisClientStreamChannel;

  beforeAll(async () => {
    server = await startRedisServer();
    replicaA = RedisClientStreamChannel.fromUrl(server.url, { keepMs: KEEP_MS, logger });
    replicaB = RedisClientStreamChannel.fromUrl(server.url, { keepMs: KEEP_MS, logger });
  });

  afterAll(async () => {
    await replicaA.close();
    await replicaB.close();
    await server.stop();
  });

  it('reaches the stream another replica holds', async () => {
    const session = newSessionId();
    const got: string[] = [];
    const stop = await replicaB.subscribe(session, (data) => got.push(data));
    await replicaA.deliver(session, '{"from":"a"}');
    await waitFor(() => got.length === 1, { what: 'the message on replica B' });
    expect(got).toEqual(['{"from":"a"}']);
    stop();
  });

  it('keeps a message nobody listens to until a stream opens on any replica', async () => {
    const session = newSessionId();
    await replicaA.deliver(session, '{"kept":true}');
    const got: string[] = [];
    const stop = await replicaB.subscribe(session, (data) => got.push(data));
    expect(got).toEqual(['{"kept":true}']);
    stop();
    await replicaA.deliver(session, '{"after":"unsubscribe"}');
    // No listener any more (or B's unsubscribe still on its way, and B keeps it): kept
    // again rather than lost.
    const later = await waitFor(
      async () => {
        const seen: string[] = [];
        (await replicaA.subscribe(session, (data) => seen.push(data)))();
        return seen.length > 0 && seen;
      },
      { what: 'the kept message' },
    );
    expect(later).toEqual(['{"after":"unsubscribe"}']);
  });
});
