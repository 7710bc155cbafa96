import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { startRedisServer } from './redis-server';
import type { RedisServerHandle } from './redis-server';

/** One raw RESP round trip; rejects when nothing answers within `timeoutMs`. */
function command(port: number, line: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error('no answer'));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) {
        socket.destroy();
        resolve(reply.trim());
      }
    });
  });
}

describe('startRedisServer', () => {
  let redis: RedisServerHandle;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('serves on a free loopback port, not the shared 6379', async () => {
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'PING')).toBe('+PONG');
  });

  it('refuses connections after stop() and serves again, empty, on the same port after start()', async () => {
    expect(await command(redis.port, 'SET survivor yes')).toBe('+OK');
    await redis.stop();
    await expect(command(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    await redis.start();
    expect(await command(redis.port, 'GET survivor')).toBe('$-1');
  });

  it('can be killed like a crash and started again', async () => {
    await redis.kill();
    await expect(command(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    await redis.start();
    expect(await command(redis.port, 'PING')).toBe('+PONG');
  });

  it('accepts connections but answers nothing while paused', async () => {
    await redis.pause();
    try {
      await expect(command(redis.port, 'PING', 300)).rejects.toThrow('no answer');
    } finally {
      await redis.resume();
    }
    expect(await command(redis.port, 'PING')).toBe('+PONG');
  });

  it('refuses to start a second server on a port that is still running', async () => {
    await expect(redis.start()).rejects.toThrow(/already running/);
  });

  it('passes extra arguments to redis-server', async () => {
    const guarded = await startRedisServer({ args: ['--requirepass', 'letmein'] });
    try {
      expect(await command(guarded.port, 'PING')).toMatch(/^-NOAUTH/);
      expect(await command(guarded.port, 'AUTH letmein')).toBe('+OK');
    } finally {
      await guarded.stop();
    }
  });
});
