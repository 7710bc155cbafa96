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
 * Scenarios that pass directly and fail through the gateway today, each because of a
 * gateway bug named here; the test below fails when one of them starts passing, so this
 * list cannot go stale.
 *
 * BUG (router, server-initiated requests on the upstream's standalone GET stream): the
 * fixture asks for sampling/elicitation with SDK v2's ctx.mcpReq.requestSampling() /
 * elicitInput(), which send the request on the session's GET stream (no relatedRequestId,
 * allowed by the spec: such messages only SHOULD relate to the request). The router opens no
 * GET stream on the upstream sessions it creates and sends every client GET to the broker,
 * so the request never reaches the client and the call ends in -32091 after
 * timeouts.upstreamRequestMs.
 *
 * server-sse-multiple-streams passes (no check fails) but with one check less: the broker
 * answers tools/list with JSON where the fixture answers SSE, so the suite's "streams are
 * functional" check is reported as INFO ("SSE streaming is optional").
 */
const KNOWN_GATEWAY_REGRESSIONS = [
  'tools-call-sampling',
  'tools-call-elicitation',
  'elicitation-sep1034-defaults',
  'server-sse-multiple-streams',
  'elicitation-sep1330-enums',
];

let direct: ConformanceScenarioResult[];
let viaGateway: ConformanceScenarioResult[];

beforeAll(async () => {
  ({ direct, viaGateway } = await compareConformanceDirectAndViaGateway());
}, 240_000);

describe('official conformance suite, directly and through the gateway', () => {
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

  it('regresses through the gateway in exactly the known scenarios (each tied to a bug above)', () => {
    expect(conformanceRegressions(direct, viaGateway).map((row) => row.scenario)).toEqual(KNOWN_GATEWAY_REGRESSIONS);
  });
});

// BUG: server-initiated requests sent on an upstream session's standalone GET stream never
// reach the client (see KNOWN_GATEWAY_REGRESSIONS); and server-sse-multiple-streams loses a
// check because the broker answers lists as JSON. Un-skip when both are resolved.
describe.skip('official conformance suite: full parity', () => {
  it('passes through the gateway every scenario that passes directly, with no fewer checks (conformanceRegressions is empty)', () => {
    expect(conformanceRegressions(direct, viaGateway)).toEqual([]);
  });
});
