// The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.13, every server
// scenario) against our conformance fixture directly and through the gateway, with the
// fixture registered without a prefix. A transparent gateway keeps every scenario that
// passes directly; docs/conformance.md shows both tables (e2e/gateway/conformance-report.ts
// prints them).
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { conformanceRegressions, type ConformanceScenarioResult } from '../support/conformance';
import { compareConformanceDirectAndViaGateway } from './support/conformance-comparison';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

/**
 * Scenarios that do worse through the gateway today (conformanceRegressions); the test
 * below fails when one starts doing as well, so this list cannot go stale.
 *
 * server-sse-multiple-streams passes both ways (no check fails) but with one check less:
 * the broker answers tools/list with JSON (pre-serialized pages) where the fixture answers
 * SSE, so the suite reports its "streams are functional" check as INFO ("SSE streaming is
 * optional"). A design choice, not a protocol error; full parity would need the broker to
 * answer lists as SSE when the client accepts it.
 */
const KNOWN_GATEWAY_REGRESSIONS = ['server-sse-multiple-streams'];

let direct: ConformanceScenarioResult[];
let viaGateway: ConformanceScenarioResult[];

beforeAll(async () => {
  ({ direct, viaGateway } = await compareConformanceDirectAndViaGateway());
}, 240_000);

describe('official conformance suite, directly and through the gateway', () => {
  it('fails no scenario through the gateway that passes directly', () => {
    const passingDirectly = direct.filter((row) => row.failed === 0).map((row) => row.scenario);
    expect(viaGateway.filter((row) => passingDirectly.includes(row.scenario) && row.failed > 0)).toEqual([]);
  });

  it('runs the same scenarios both ways, and the fixture fails none of them directly', () => {
    expect(viaGateway.map((row) => row.scenario)).toEqual(direct.map((row) => row.scenario));
    expect(direct.length).toBeGreaterThanOrEqual(30);
    expect(direct.filter((row) => row.failed > 0)).toEqual([]);
  });

  it('keeps dns-rebinding-protection passing through the gateway (the router checks Host and Origin)', () => {
    expect(viaGateway.find((row) => row.scenario === 'dns-rebinding-protection')).toEqual({
      scenario: 'dns-rebinding-protection',
      passed: 2,
      failed: 0,
      warnings: 0,
    });
  });

  it('does worse through the gateway in exactly the known scenarios (explained above)', () => {
    expect(conformanceRegressions(direct, viaGateway).map((row) => row.scenario)).toEqual(KNOWN_GATEWAY_REGRESSIONS);
  });
});

// Full parity, blocked by server-sse-multiple-streams only (see KNOWN_GATEWAY_REGRESSIONS):
// un-skip if the broker comes to answer lists as SSE.
describe.skip('official conformance suite: full parity', () => {
  it('passes through the gateway every scenario that passes directly, with no fewer checks (conformanceRegressions is empty)', () => {
    expect(conformanceRegressions(direct, viaGateway)).toEqual([]);
  });
});
