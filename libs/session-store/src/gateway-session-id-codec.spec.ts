import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GatewaySessionIdCodec, MIN_SECRET_BYTES } from './gateway-session-id-codec';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

function flipCharacter(id: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const current = id[index] as string;
  const replacement = alphabet[(alphabet.indexOf(current) + 1) % alphabet.length] as string;
  return id.slice(0, index) + replacement + id.slice(index + 1);
}

describe('GatewaySessionIdCodec', () => {
  it('issues ids that verify, are url-safe visible ASCII, and are never the same twice', () => {
    const codec = new GatewaySessionIdCodec(SECRET);
    const ids = Array.from({ length: 1000 }, () => codec.issue());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(codec.verify(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('verifies an id issued by another replica with the same secret', () => {
    const secret = new Uint8Array(Buffer.from(SECRET));
    expect(new GatewaySessionIdCodec(secret).verify(new GatewaySessionIdCodec(SECRET).issue())).toBe(true);
  });

  it('rejects an id issued under another secret', () => {
    const other = new GatewaySessionIdCodec('another-secret-that-is-32-bytes-or-more');
    expect(new GatewaySessionIdCodec(SECRET).verify(other.issue())).toBe(false);
  });

  it('rejects an id with any single character changed', () => {
    const codec = new GatewaySessionIdCodec(SECRET);
    const id = codec.issue();
    for (let index = 0; index < id.length; index++) expect(codec.verify(flipCharacter(id, index))).toBe(false);
  });

  it('rejects truncated, extended and padded ids', () => {
    const codec = new GatewaySessionIdCodec(SECRET);
    const id = codec.issue();
    expect(codec.verify(id.slice(0, -1))).toBe(false);
    expect(codec.verify(`${id}A`)).toBe(false);
    expect(codec.verify(`${id}=`)).toBe(false);
    expect(codec.verify(` ${id}`)).toBe(false);
    expect(codec.verify('')).toBe(false);
  });

  it('rejects an id whose expiry was moved later without the secret', () => {
    let now = 1_000_000;
    const codec = new GatewaySessionIdCodec(SECRET, { maxLifetimeMs: 1000, clock: () => now });
    const bytes = Buffer.from(codec.issue(), 'base64url');
    bytes.writeBigUInt64BE(BigInt(now + 10_000_000), 17);
    now += 5000;
    expect(codec.verify(bytes.toString('base64url'))).toBe(false);
  });

  it('rejects an id once its maximum lifetime has passed, however valid its signature', () => {
    let now = 1_700_000_000_000;
    const codec = new GatewaySessionIdCodec(SECRET, { maxLifetimeMs: 60_000, clock: () => now });
    const id = codec.issue();
    expect(codec.expiresAtMs(id)).toBe(now + 60_000);
    now += 59_999;
    expect(codec.verify(id)).toBe(true);
    now += 1;
    expect(codec.verify(id)).toBe(false);
    expect(codec.expiresAtMs(id)).toBeUndefined();
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => new GatewaySessionIdCodec('short')).toThrow(RangeError);
    expect(() => new GatewaySessionIdCodec(new Uint8Array(MIN_SECRET_BYTES - 1))).toThrow(RangeError);
  });

  it('never accepts nor throws on arbitrary strings', () => {
    const codec = new GatewaySessionIdCodec(SECRET);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_-]{76}$/)), (candidate) => {
        expect(codec.verify(candidate)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts an issued id with random bytes changed', () => {
    const codec = new GatewaySessionIdCodec(SECRET);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 56 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const bytes = Buffer.from(codec.issue(), 'base64url');
        bytes[index] = (bytes[index] as number) ^ mask;
        expect(codec.verify(bytes.toString('base64url'))).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns false rather than throwing when given a value that is not a string', () => {
    const codec = new GatewaySessionIdCodec(SECRET);
    for (const value of [undefined, null, 42, {}, ['x']]) expect(codec.verify(value as unknown as string)).toBe(false);
  });
});
