// The ids the gateway gives server-to-client requests: 128 random bits, base64url (22
// characters). Random rather than counted so a client cannot guess another session's ids,
// and so nothing of the upstream's own id or name leaks to the client.

import { randomBytes } from 'node:crypto';
import type { JsonRpcId } from '@mcp-gateway/jsonrpc';

const GATEWAY_REQUEST_ID = /^[A-Za-z0-9_-]{22}$/;

export function newGatewayRequestId(): string {
  return randomBytes(16).toString('base64url');
}

/** Whether `id` could be one the gateway issued (lets lookups skip the store for junk). */
export function isGatewayRequestId(id: JsonRpcId): id is string {
  return typeof id === 'string' && GATEWAY_REQUEST_ID.test(id);
}

/** A JSON-RPC id as an index key that keeps 1 and "1" apart. */
export function relatedRequestKey(id: JsonRpcId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}

export function checkedTtlMs(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new RangeError(`the mapping TTL must be a positive number of milliseconds, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}
