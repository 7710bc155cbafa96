// Gateway session ids that any replica can verify without a store lookup: 128 random bits
// and an expiry, authenticated with HMAC-SHA256 under the gateway's secret. A verified id
// is one this gateway issued and whose maximum lifetime has not passed; whether the session
// still exists (idle TTL, DELETE) is the store's answer, not the codec's.
//
// Layout (57 bytes, base64url → exactly 76 characters, no padding, one encoding per id):
//   version (1) | random (16) | expiresAtMs (8, big-endian) | HMAC-SHA256 of the first 25 bytes (32)
// The key is imported once here; verify() computes one HMAC and compares in constant time.

import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface GatewaySessionIdCodecOptions {
  /** Longest a session id stays valid, however active the session (default 24 h). */
  readonly maxLifetimeMs?: number;
  readonly clock?: () => number;
}

const VERSION = 1;
const RANDOM_BYTES = 16;
const SIGNED_BYTES = 1 + RANDOM_BYTES + 8;
const TAG_BYTES = 32;
const ID_BYTES = SIGNED_BYTES + TAG_BYTES;
const ID_PATTERN = /^[A-Za-z0-9_-]{76}$/;
export const MIN_SECRET_BYTES = 32;

export class GatewaySessionIdCodec {
  private readonly key: KeyObject;
  private readonly maxLifetimeMs: number;
  private readonly clock: () => number;

  constructor(secret: string | Uint8Array, options: GatewaySessionIdCodecOptions = {}) {
    const secretBytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (secretBytes.length < MIN_SECRET_BYTES) {
      throw new RangeError(`the session signing secret must be at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 32\`)`);
    }
    this.key = createSecretKey(secretBytes);
    this.maxLifetimeMs = options.maxLifetimeMs ?? 24 * 60 * 60 * 1000;
    if (!Number.isFinite(this.maxLifetimeMs) || this.maxLifetimeMs <= 0) throw new RangeError('maxLifetimeMs must be positive');
    this.clock = options.clock ?? Date.now;
  }

  /** A fresh id: url-safe, visible ASCII, 76 characters. */
  issue(): string {
    const id = Buffer.alloc(ID_BYTES);
    id.writeUInt8(VERSION, 0);
    randomBytes(RANDOM_BYTES).copy(id, 1);
    id.writeBigUInt64BE(BigInt(Math.floor(this.clock() + this.maxLifetimeMs)), 1 + RANDOM_BYTES);
    this.tag(id.subarray(0, SIGNED_BYTES)).copy(id, SIGNED_BYTES);
    return id.toString('base64url');
  }

  /** False for anything this gateway did not issue, tampered with, malformed or past its
   * maximum lifetime. Never throws. */
  verify(id: string): boolean {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) return false;
    const bytes = Buffer.from(id, 'base64url');
    if (bytes.length !== ID_BYTES || bytes.readUInt8(0) !== VERSION) return false;
    const expected = this.tag(bytes.subarray(0, SIGNED_BYTES));
    if (!timingSafeEqual(expected, bytes.subarray(SIGNED_BYTES))) return false;
    return Number(bytes.readBigUInt64BE(1 + RANDOM_BYTES)) > this.clock();
  }

  /** When a verified id stops being valid (ms since the epoch); undefined when it does not verify. */
  expiresAtMs(id: string): number | undefined {
    return this.verify(id) ? Number(Buffer.from(id, 'base64url').readBigUInt64BE(1 + RANDOM_BYTES)) : undefined;
  }

  private tag(signed: Buffer): Buffer {
    return createHmac('sha256', this.key).update(signed).digest();
  }
}
