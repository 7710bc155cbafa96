import { describe, it, expect } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from './index';

/** A destination that keeps each written line. */
function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the service, level name, time and message', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'mcp-router', destination: stream });
    logger.info({ server: 'weather' }, 'upstream connected');
    logger.child({ component: 'broker' }).warn('slow upstream');
    expect(lines()).toEqual([
      expect.objectContaining({ service: 'mcp-router', level: 'info', server: 'weather', msg: 'upstream connected', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      expect.objectContaining({ service: 'mcp-router', level: 'warn', component: 'broker', msg: 'slow upstream' }),
    ]);
  });

  it('redacts credential and session headers wherever a headers object is logged', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'mcp-broker', destination: stream });
    logger.info(
      {
        headers: { authorization: 'Bearer top-secret', 'mcp-session-id': 'session-secret', accept: 'application/json' },
        req: { headers: { Cookie: 'sid=cookie-secret', 'Mcp-Session-Id': 'session-secret-2' } },
        upstream: { request: { headers: { 'x-api-key': 'key-secret', 'Proxy-Authorization': 'Basic proxy-secret' } } },
        res: { headers: { 'set-cookie': ['sid=cookie-secret-2'] } },
      },
      'request',
    );
    const [line] = lines();
    expect(line).toMatchObject({
      headers: { authorization: '[redacted]', 'mcp-session-id': '[redacted]', accept: 'application/json' },
      req: { headers: { Cookie: '[redacted]', 'Mcp-Session-Id': '[redacted]' } },
      upstream: { request: { headers: { 'x-api-key': '[redacted]', 'Proxy-Authorization': '[redacted]' } } },
      res: { headers: { 'set-cookie': '[redacted]' } },
    });
    expect(JSON.stringify(line)).not.toMatch(/secret/);
  });

  it('drops lines below the configured level', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'mcp-router', level: 'warn', destination: stream });
    logger.info('hidden');
    logger.debug('hidden too');
    logger.error('shown');
    expect(lines().map((line) => line.msg)).toEqual(['shown']);
  });
});
