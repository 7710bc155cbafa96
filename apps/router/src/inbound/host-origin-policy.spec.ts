import { describe, it, expect } from '@jest/globals';
import { GatewayError } from '@mcp-gateway/jsonrpc';
import { HostOriginPolicy, hostnameOf } from './host-origin-policy';

const policy = new HostOriginPolicy({
  allowedHosts: ['127.0.0.1', 'localhost', '[::1]', 'mcp.example.com'],
  allowedOrigins: ['https://app.example.com', 'tools.example.org'],
});

function refusal(authority: string | undefined, origin?: string): string | undefined {
  try {
    policy.check(authority, origin);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).httpStatus).toBe(403);
    return (error as GatewayError).message;
  }
}

describe('HostOriginPolicy', () => {
  it('accepts allowed hosts on any port, IPv6 included', () => {
    expect(refusal('127.0.0.1:8080')).toBeUndefined();
    expect(refusal('LOCALHOST')).toBeUndefined();
    expect(refusal('[::1]:3000')).toBeUndefined();
    expect(refusal('mcp.example.com:443')).toBeUndefined();
  });

  it('refuses other hosts and a missing Host (DNS rebinding)', () => {
    expect(refusal('rebind.attacker.example:8080')).toMatch(/rebind\.attacker\.example/);
    expect(refusal(undefined)).toMatch(/missing Host/);
    expect(refusal('127.0.0.1.nip.io')).toBeDefined();
  });

  it('accepts an Origin of the same host, on any port, and the allowed origins', () => {
    expect(refusal('127.0.0.1:8080', 'http://127.0.0.1:5173')).toBeUndefined();
    expect(refusal('[::1]:8080', 'http://[::1]:5173')).toBeUndefined();
    expect(refusal('mcp.example.com', 'https://app.example.com')).toBeUndefined();
    expect(refusal('mcp.example.com', 'https://tools.example.org:8443')).toBeUndefined();
  });

  it('refuses any other Origin, and one that is not a URL', () => {
    expect(refusal('127.0.0.1:8080', 'http://attacker.example')).toMatch(/attacker\.example/);
    expect(refusal('mcp.example.com', 'http://app.example.com.attacker.example')).toBeDefined();
    expect(refusal('127.0.0.1', 'null')).toMatch(/invalid Origin/);
  });

  it('hostnameOf drops the port and keeps IPv6 brackets', () => {
    expect(hostnameOf('Example.COM:80')).toBe('example.com');
    expect(hostnameOf('[::1]:80')).toBe('[::1]');
    expect(hostnameOf('[::1]')).toBe('[::1]');
  });
});
