import { describe, it, expect } from '@jest/globals';
import { allowsJsonRpcBatches, LATEST_PROTOCOL_VERSION, protocolEra, SESSION_ERA_PROTOCOL_VERSIONS, STATELESS_ERA_PROTOCOL_VERSIONS } from './protocol-version';

describe('protocol versions', () => {
  it('lists the versions of each era, newest first', () => {
    expect(SESSION_ERA_PROTOCOL_VERSIONS).toEqual(['2025-11-25', '2025-06-18', '2025-03-26']);
    expect(STATELESS_ERA_PROTOCOL_VERSIONS).toEqual(['2026-07-28']);
    expect(LATEST_PROTOCOL_VERSION).toBe(SESSION_ERA_PROTOCOL_VERSIONS[0]);
  });

  it('tells the era of a supported version and nothing for others', () => {
    expect(protocolEra('2025-06-18')).toBe('session');
    expect(protocolEra('2026-07-28')).toBe('stateless');
    expect(protocolEra('2024-11-05')).toBeUndefined();
    expect(protocolEra('')).toBeUndefined();
  });

  it('allows JSON-RPC batches only in 2025-03-26, where MCP had them', () => {
    expect(SESSION_ERA_PROTOCOL_VERSIONS.filter(allowsJsonRpcBatches)).toEqual(['2025-03-26']);
    expect(allowsJsonRpcBatches('2026-07-28')).toBe(false);
  });
});
