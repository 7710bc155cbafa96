// Issue 7: "Extend docs/conformance.md with the stateless-era scenarios of the conformance
// suite, run directly and through the gateway." The 2026-07-28 requirement set of
// @modelcontextprotocol/conformance 0.2.0-alpha.12 (Node 22 binary, see
// support/conformance-next.ts) against the stateless-era conformance fixture, directly and
// through the real gateway processes: every required scenario passes both ways, and nothing
// does worse through the gateway, not even a warning.
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { nextRegressions, type NextScenarioResult } from './support/conformance-next';
import { compareConformanceNextDirectAndViaGateway } from './support/conformance-next-comparison';

jest.setTimeout(240_000);

let direct: NextScenarioResult[];
let viaGateway: NextScenarioResult[];

beforeAll(async () => {
  ({ direct, viaGateway } = await compareConformanceNextDirectAndViaGateway());
}, 240_000);


function failing(rows: readonly NextScenarioResult[]): string[] {
  return rows.filter((row) => row.required && row.failed > 0).map((row) => `${row.scenario} (${row.failed} failed)`);
}

describe('conformance 2026-07-28 (required server scenarios)', () => {
  it('runs every required scenario, directly and through the gateway', () => {
    const required = direct.filter((row) => row.required).map((row) => row.scenario);
    expect(required.length).toBeGreaterThanOrEqual(37);
    expect(viaGateway.filter((row) => row.required).map((row) => row.scenario)).toEqual(required);
  });

  it('passes every required scenario against the fixture directly', () => {
    expect(failing(direct)).toEqual([]);
  });

  it('passes every required scenario through the gateway', () => {
    expect(failing(viaGateway)).toEqual([]);
  });

  it('does no scenario worse through the gateway than directly, required or not', () => {
    expect(nextRegressions(direct, viaGateway)).toEqual([]);
  });
});
