// Opens the upstream session for (gateway session, server) exactly once, however many
// requests race for it on however many replicas. The first caller to take the store lock
// opens it and records it; the others poll the mapping until it appears — or until the lock
// frees without one (the opener failed or crashed), when they compete for the lock again.
// The lock expires by itself (lockTtlMs), so a crashed opener delays others, never blocks them.

import type { SessionStore } from './session-store';

export interface ResolveUpstreamSessionArgs {
  readonly gatewaySessionId: string;
  readonly serverName: string;
  /** Idle TTL of the gateway session, slid by every lookup. */
  readonly ttlMs: number;
  /** Creates the upstream session (MCP `initialize` upstream) and returns its id. */
  readonly open: () => Promise<string>;
  /** How long an opener may hold the lock (default 15000 ms). Must exceed the time open()
   * can take, or a second replica may open a second upstream session. */
  readonly lockTtlMs?: number;
  /** How long a caller waits for another's open() before giving up (default lockTtlMs +
   * 5000 ms, so waiters outlive a crashed opener's lock). */
  readonly waitTimeoutMs?: number;
  /** Abandons the wait (not an open() already running). */
  readonly signal?: AbortSignal;
}

export interface ResolvedUpstreamSession {
  readonly upstreamSessionId: string;
  /** True only for the caller whose open() created it. */
  readonly created: boolean;
}

/** The gateway session is unknown, expired or deleted: the client must initialize again. */
export class GatewaySessionNotFoundError extends Error {
  readonly code = 'SESSION_NOT_FOUND' as const;
  override readonly name = 'GatewaySessionNotFoundError';
}

/** Another caller held the lock for longer than waitTimeoutMs without recording a session. */
export class UpstreamSessionWaitTimeoutError extends Error {
  readonly code = 'UPSTREAM_SESSION_WAIT_TIMEOUT' as const;
  override readonly name = 'UpstreamSessionWaitTimeoutError';
  constructor(readonly serverName: string, waitTimeoutMs: number) {
    super(`gave up after ${waitTimeoutMs} ms waiting for the upstream session on "${serverName}" to be opened`);
  }
}

const FIRST_POLL_DELAY_MS = 5;
const MAX_POLL_DELAY_MS = 50;

export function upstreamSessionLockKey(gatewaySessionId: string, serverName: string): string {
  return `upstream-session:${gatewaySessionId}:${serverName}`;
}

export async function resolveUpstreamSession(store: SessionStore, args: ResolveUpstreamSessionArgs): Promise<ResolvedUpstreamSession> {
  const { gatewaySessionId, serverName, ttlMs, open, signal } = args;
  const lockTtlMs = args.lockTtlMs ?? 15_000;
  const waitTimeoutMs = args.waitTimeoutMs ?? lockTtlMs + 5000;
  const lockKey = upstreamSessionLockKey(gatewaySessionId, serverName);
  const deadline = Date.now() + waitTimeoutMs;
  let pollDelayMs = FIRST_POLL_DELAY_MS;

  for (;;) {
    signal?.throwIfAborted();
    const existing = await lookup(store, gatewaySessionId, serverName, ttlMs);
    if (existing !== undefined) return { upstreamSessionId: existing, created: false };

    const ownerToken = await store.tryLock(lockKey, lockTtlMs);
    if (ownerToken !== undefined) {
      try {
        // Someone may have recorded it between our lookup and our lock.
        const recorded = await lookup(store, gatewaySessionId, serverName, ttlMs);
        if (recorded !== undefined) return { upstreamSessionId: recorded, created: false };
        const upstreamSessionId = await open();
        await store.setUpstreamSession(gatewaySessionId, serverName, upstreamSessionId);
        return { upstreamSessionId, created: true };
      } finally {
        // Best effort: if the store is down the lock expires by itself.
        await store.unlock(lockKey, ownerToken).catch(() => undefined);
      }
    }

    if (Date.now() >= deadline) throw new UpstreamSessionWaitTimeoutError(serverName, waitTimeoutMs);
    const jittered = pollDelayMs * (0.5 + Math.random());
    await sleep(Math.min(jittered, Math.max(1, deadline - Date.now())), signal);
    pollDelayMs = Math.min(MAX_POLL_DELAY_MS, pollDelayMs * 2);
  }
}

async function lookup(store: SessionStore, gatewaySessionId: string, serverName: string, ttlMs: number): Promise<string | undefined> {
  const found = await store.lookupUpstreamSession(gatewaySessionId, serverName, ttlMs);
  if (!found.sessionExists) throw new GatewaySessionNotFoundError('the gateway session is unknown, expired or deleted');
  return found.upstreamSessionId;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
