import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCalculatorServer } from '../servers/calculator-server';
import type { StreamableHttpHost } from '../servers/streamable-http-host';
import { conformanceRegressions, runConformanceSuite, type ConformanceScenarioResult } from './conformance';

describe('runConformanceSuite', () => {
  let calculator: StreamableHttpHost;
  beforeAll(async () => {
    calculator = await startCalculatorServer();
  });
  afterAll(async () => {
    await calculator.close();
  });

  it('reports a failed check for a scenario the server does not implement', async () => {
    // The calculator has no test_simple_text tool.
    const rows = await runConformanceSuite({ url: calculator.url, scenario: 'tools-call-simple-text' });
    expect(rows).toEqual([{ scenario: 'tools-call-simple-text', passed: 0, failed: 1, warnings: 0 }]);
  }, 60_000);

  it('reports passed checks for a scenario the server meets', async () => {
    const rows = await runConformanceSuite({ url: calculator.url, scenario: 'dns-rebinding-protection' });
    expect(rows).toEqual([{ scenario: 'dns-rebinding-protection', passed: 2, failed: 0, warnings: 0 }]);
  }, 60_000);
});

describe('conformanceRegressions', () => {
  const row = (scenario: string, passed: number, failed = 0, warnings = 0): ConformanceScenarioResult => ({
    scenario,
    passed,
    failed,
    warnings,
  });

  it('is empty when the candidate does at least as well on every scenario', () => {
    expect(conformanceRegressions([row('ping', 1), row('tools-list', 1)], [row('tools-list', 1), row('ping', 1)])).toEqual([]);
  });

  it('names scenarios with more failures, fewer passes, more warnings, or missing', () => {
    const baseline = [row('a', 1), row('b', 2), row('c', 1), row('d', 1)];
    const candidate = [row('a', 0, 1), row('b', 1), row('c', 1, 0, 1)];
    expect(conformanceRegressions(baseline, candidate).map((r) => r.scenario)).toEqual(['a', 'b', 'c', 'd']);
  });
});
