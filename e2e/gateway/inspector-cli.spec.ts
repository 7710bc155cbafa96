// The MCP Inspector's CLI (@modelcontextprotocol/inspector 2.x, the locally installed
// binary, so no network) against the gateway, as the README tells users to try it: list the
// tools, call one with arguments.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import path from 'node:path';
import { startProcess } from '@mcp-gateway/testing';
import { startCalculatorServer } from '../servers/calculator-server';
import type { StreamableHttpHost } from '../servers/streamable-http-host';
import { REPO_ROOT } from './support/gateway-bundles';
import { startGatewayProcesses, type GatewayProcesses } from './support/gateway-processes';

// Processes on a loaded 2-core machine: more than Jest's 5 s default per test (the e2e
// project's testTimeout is not applied per project).
jest.setTimeout(30_000);

const INSPECTOR = path.join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');

let calculator: StreamableHttpHost;
let gateway: GatewayProcesses;

beforeAll(async () => {
  calculator = await startCalculatorServer();
  gateway = await startGatewayProcesses({ config: { servers: [{ name: 'calculator', url: calculator.url, prefix: 'calc_' }] } });
  await gateway.waitForUpstreamsReady(['calculator']);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await calculator?.close();
});

async function inspector(...args: string[]): Promise<{ exitCode: number | null; json: unknown; output: string }> {
  const cli = await startProcess(process.execPath, [INSPECTOR, '--cli', gateway.url, '--transport', 'http', ...args], { cwd: REPO_ROOT });
  const exitCode = await cli.exited;
  const output = cli.output();
  const start = output.indexOf('{');
  let json: unknown;
  try {
    json = JSON.parse(output.slice(start, output.lastIndexOf('}') + 1));
  } catch {
    json = undefined;
  }
  return { exitCode, json, output };
}

describe('MCP Inspector CLI against the gateway', () => {
  it('lists the prefixed tools (--method tools/list)', async () => {
    const { exitCode, json, output } = await inspector('--method', 'tools/list');
    expect([exitCode, output.slice(0, 300)]).toEqual([0, expect.any(String)]);
    const names = (json as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['calc_add', 'calc_subtract', 'calc_multiply', 'calc_divide', 'calc_power', 'calc_sum']));
  }, 30_000);

  it('calls a tool with arguments (--method tools/call --tool-name calc_add --tool-arg a=2 --tool-arg b=3)', async () => {
    const { exitCode, json } = await inspector('--method', 'tools/call', '--tool-name', 'calc_add', '--tool-arg', 'a=2', '--tool-arg', 'b=3');
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ content: [{ type: 'text', text: '5' }], structuredContent: { result: 5 } });
  }, 30_000);

  it('reports an unknown tool as an error naming it', async () => {
    const { exitCode, output } = await inspector('--method', 'tools/call', '--tool-name', 'calc_nope');
    expect(exitCode).not.toBe(0);
    expect(output).toContain('calc_nope');
  }, 30_000);
});
