import { describe, expect, it } from '@jest/globals';
import { InMemoryServerRequestIdMapper } from './in-memory-server-request-id-mapper';

describe('InMemoryServerRequestIdMapper', () => {
  it('expires mappings by the injected clock and sweeps them out of memory', async () => {
    let now = 0;
    const mapper = new InMemoryServerRequestIdMapper({ clock: () => now, sweepIntervalMs: 10 });
    try {
      const ids = [];
      for (let i = 0; i < 50; i++) ids.push(await mapper.map(`s-${i % 5}`, { serverName: 'w', upstreamSessionId: undefined, upstreamRequestId: i, relatedGatewayRequestId: 1 }, 1000));
      now = 999;
      expect(await mapper.peek('s-0', ids[0] as string)).toBeDefined();
      expect(mapper.size).toBe(50);
      now = 1000;
      expect(await mapper.peek('s-0', ids[0] as string)).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(mapper.size).toBe(0);
    } finally {
      await mapper.close();
    }
  });
});
