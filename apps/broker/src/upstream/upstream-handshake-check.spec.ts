import { describe, expect, it } from '@jest/globals';
import { UpstreamProtocolError, checkUpstreamHandshake } from './upstream-handshake-check';

describe('checkUpstreamHandshake', () => {
  it('accepts every session-era version the gateway speaks', () => {
    for (const protocolVersion of ['2025-03-26', '2025-06-18', '2025-11-25']) {
      expect(() => checkUpstreamHandshake('s', { protocolVersion, capabilities: { tools: {} } })).not.toThrow();
    }
  });

  it('refuses a version the gateway does not speak, naming the server', () => {
    expect(() => checkUpstreamHandshake('old', { protocolVersion: '2024-11-05', capabilities: {} })).toThrow(UpstreamProtocolError);
    expect(() => checkUpstreamHandshake('none', { protocolVersion: undefined, capabilities: {} })).toThrow(/\(none\)/);
    try {
      checkUpstreamHandshake('old', { protocolVersion: '2024-11-05', capabilities: {} });
    } catch (error) {
      expect((error as UpstreamProtocolError).server).toBe('old');
    }
  });

  it('refuses missing or malformed capabilities', () => {
    expect(() => checkUpstreamHandshake('s', { protocolVersion: '2025-11-25', capabilities: undefined })).toThrow(/capabilities/);
    expect(() => checkUpstreamHandshake('s', { protocolVersion: '2025-11-25', capabilities: { tools: true } })).toThrow(/"tools"/);
  });

  it('accepts a server that offers nothing to list (it contributes no entries)', () => {
    expect(() => checkUpstreamHandshake('s', { protocolVersion: '2025-11-25', capabilities: { logging: {} } })).not.toThrow();
  });
});
