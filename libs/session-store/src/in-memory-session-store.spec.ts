// What only the in-memory store promises: time can be driven by an injected clock, expired
// sessions do not pile up in memory, and an idle session stays small.

import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { InMemorySessionStore } from './in-memory-session-store';
import type { GatewaySessionRecord } from './session-store';

const RECORD: GatewaySessionRecord = {
  protocolVersion: '2025-11-25',
  clientCapabilities: { elicitation: {}, sampling: {}, roots: { listChanged: true } },
  clientInfo: { name: 'claude-code', version: '2.1.0' },
  createdAtMs: 1_760_000_000_000,
};

describe('InMemorySessionStore', () => {
  it('expires sessions and locks by the injected clock', async () => {
    let now = 0;
    const store = new InMemorySessionStore({ clock: () => now });
    try {
      await store.createSession('s', RECORD, 1000);
      expect(await store.tryLock('k', 500)).toBeDefined();
      now = 499;
      expect(await store.tryLock('k', 500)).toBeUndefined();
      now = 500;
      expect(await store.tryLock('k', 500)).toBeDefined();
      now = 999;
      expect(await store.getSession('s')).toBeDefined();
      now = 1000;
      expect(await store.getSession('s')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('sweeps expired sessions that nobody reads again out of memory', async () => {
    let now = 0;
    const store = new InMemorySessionStore({ clock: () => now, sweepIntervalMs: 10 });
    try {
      for (let i = 0; i < 100; i++) await store.createSession(`s-${i}`, RECORD, 1000);
      expect(store.size).toBe(100);
      now = 2000;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(store.size).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('holds an idle session with two upstream sessions in well under 10 KiB', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new InMemorySessionStore();
    const count = 5000;
    // Ids as long as the codec's (76 characters), made before the baseline is taken.
    const ids = Array.from({ length: count }, (_, i) => `${'x'.repeat(70)}${String(i).padStart(6, '0')}`);
    try {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (const id of ids) {
        await store.createSession(id, { ...RECORD, createdAtMs: Date.now() }, 60_000);
        await store.setUpstreamSession(id, 'weather', `3f8a1c2e-7b4d-4e9a-9c1f-${id.slice(-12)}`);
        await store.setUpstreamSession(id, 'calendar', `b1e2c3d4-5f60-4718-92a3-${id.slice(-12)}`);
      }
      gc();
      const perSession = (process.memoryUsage().heapUsed - before) / count;
      expect(perSession).toBeGreaterThan(0);
      expect(perSession).toBeLessThan(2 * 1024);
    } finally {
      await store.close();
    }
  });
});
