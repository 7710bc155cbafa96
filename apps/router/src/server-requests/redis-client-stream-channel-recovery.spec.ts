// A client GET stream opened while Redis could not answer (down, or not reconnected yet
// after a restart) must still hear from other replicas once Redis is back: otherwise every
// elicitation an upstream sends through another replica for that session is lost, and the
// calls waiting on it hang until their timeout. Real redis-server on its own port.
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort, startRedisServer, waitFor } from '@mcp-gateway/testing';
import { pino } from 'pino';
import { RedisClientStreamChannel } from './redis-client-stream-channel';

const logger = pino({ enabled: false });
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function channelOn(url: string): RedisClientStreamChannel {
  const channel = RedisClientStreamChannel.fromUrl(url, { keepMs: 10_000, logger, connectTimeoutMs: 300, commandTimeoutMs: 300, maxReconnectDelayMs: 100 });
  closers.push(() => channel.close());
  return channel;
}

describe('RedisClientStreamChannel when Redis is away as a stream opens', () => {
  it('follows the stream once Redis answers, and hands over what other replicas sent meanwhile', async () => {
    const port = await freePort();
    const here = channelOn(`redis://127.0.0.1:${port}`);
    const elsewhere = channelOn(`redis://127.0.0.1:${port}`);
    const received: string[] = [];
    await here.subscribe('session-1', (data) => void received.push(data));

    const redis = await startRedisServer({ port });
    closers.unshift(() => redis.stop());
    // Sent from another replica as soon as it can reach Redis again: kept or published,
    // it must reach the stream opened here while Redis was away.
    await waitFor(async () => {
      await elsewhere.deliver('session-1', '{"n":1}');
      return received.length > 0;
    }, { timeoutMs: 8_000, intervalMs: 300, what: 'the first message to arrive' });
    await elsewhere.deliver('session-1', '{"n":2}');
    await waitFor(() => received.includes('{"n":2}'), { timeoutMs: 3_000, what: 'a message published once subscribed' });
    expect(received[0]).toBe('{"n":1}');
  });
});
