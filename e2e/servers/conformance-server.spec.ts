import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runConformanceSuite, type ConformanceScenarioResult } from '../support/conformance';
import { startConformanceServer } from './conformance-server';
import type { StreamableHttpHost } from './streamable-http-host';

// Every server scenario of @modelcontextprotocol/conformance 0.1.13 (`conformance list`),
// active and pending. Pinned so a suite upgrade that adds or renames one shows up here.
const SCENARIOS = [
  'server-initialize',
  'logging-set-level',
  'ping',
  'completion-complete',
  'tools-list',
  'tools-call-simple-text',
  'tools-call-image',
  'tools-call-audio',
  'tools-call-embedded-resource',
  'tools-call-mixed-content',
  'tools-call-with-logging',
  'tools-call-error',
  'tools-call-with-progress',
  'tools-call-sampling',
  'tools-call-elicitation',
  'json-schema-2020-12',
  'elicitation-sep1034-defaults',
  'server-sse-polling',
  'server-sse-multiple-streams',
  'elicitation-sep1330-enums',
  'resources-list',
  'resources-read-text',
  'resources-read-binary',
  'resources-templates-read',
  'resources-subscribe',
  'resources-unsubscribe',
  'prompts-list',
  'prompts-get-simple',
  'prompts-get-with-args',
  'prompts-get-embedded-resource',
  'prompts-get-with-image',
  'dns-rebinding-protection',
];

describe('conformance server', () => {
  let server: StreamableHttpHost;
  let results: ConformanceScenarioResult[];

  beforeAll(async () => {
    server = await startConformanceServer();
    results = await runConformanceSuite({ url: server.url, suite: 'all' });
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('is run through every server scenario of the suite', () => {
    expect(results.map((row) => row.scenario)).toEqual(SCENARIOS);
  });

  it('fails no check of any scenario', () => {
    expect(results.filter((row) => row.failed > 0)).toEqual([]);
    expect(results.filter((row) => row.passed === 0).map((row) => row.scenario)).toEqual(['server-sse-polling']);
  });

  it('rejects a foreign Host/Origin and accepts a loopback one (dns-rebinding-protection)', () => {
    expect(results.find((row) => row.scenario === 'dns-rebinding-protection')).toEqual({
      scenario: 'dns-rebinding-protection',
      passed: 2,
      failed: 0,
      warnings: 0,
    });
  });

  it('only warns where suite 0.1.13 sends a 2025-03-26 protocol header on a stream it expects to be primed', () => {
    // server-sse-polling posts with MCP-Protocol-Version 2025-03-26; SSE priming events
    // (empty data, spec 2025-11-25) are only sent to clients of 2025-11-25 or later.
    expect(results.filter((row) => row.warnings > 0)).toEqual([
      { scenario: 'server-sse-polling', passed: 0, failed: 0, warnings: 2 },
    ]);
  });
});
