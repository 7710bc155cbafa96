import { describe, expect, it } from '@jest/globals';
import { parseRedisUrl } from './redis-url';
import { SessionStoreConfigError } from './session-store-config-error';

describe('parseRedisUrl', () => {
  it('reads host, port, credentials and database from a redis:// URL', () => {
    expect(parseRedisUrl('redis://gateway:p%40ss%3Aword@cache.internal:6380/4')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'gateway',
      password: 'p@ss:word',
      db: 4,
      tls: false,
    });
  });

  it('defaults to port 6379, database 0 and no credentials', () => {
    expect(parseRedisUrl('redis://localhost')).toEqual({ host: 'localhost', port: 6379, username: undefined, password: undefined, db: 0, tls: false });
    expect(parseRedisUrl('redis://localhost/').db).toBe(0);
  });

  it('turns on TLS for rediss://', () => {
    expect(parseRedisUrl('rediss://:secret@cache.example.com:6380').tls).toBe(true);
    expect(parseRedisUrl('rediss://:secret@cache.example.com:6380').password).toBe('secret');
  });

  it('accepts an IPv6 host', () => {
    expect(parseRedisUrl('redis://[::1]:6390').host).toBe('::1');
  });

  it.each([
    ['http://localhost:6379', /redis:\/\/ or rediss:\/\//],
    ['not a url', /not a valid URL/],
    ['redis://localhost/cache', /database number/],
    ['redis://localhost/0?tls=true', /query parameters/],
  ])('refuses %s', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(SessionStoreConfigError);
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never repeats the password in its errors', () => {
    expect(() => parseRedisUrl('redis://user:hunter2@localhost/x')).not.toThrow(/hunter2/);
  });
});
