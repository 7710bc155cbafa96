// Demo upstream "calculator": arithmetic tools only (no prompts, no resources), so the
// gateway demo shows an upstream that declares just the tools capability.
// Deterministic: the same arguments always give the same answer.
import { McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { isMainModule, runServerCli } from './server-cli';
import { startStreamableHttpHost, type StreamableHttpHost } from './streamable-http-host';

export const CALCULATOR_SERVER_NAME = 'calculator';

const operands = z.object({
  a: z.number().describe('First operand'),
  b: z.number().describe('Second operand'),
});
const numericResult = z.object({ result: z.number() });

function answer(result: number): CallToolResult {
  return { content: [{ type: 'text', text: String(result) }], structuredContent: { result } };
}

export function createCalculatorMcpServer(): McpServer {
  const server = new McpServer({ name: CALCULATOR_SERVER_NAME, version: '1.0.0' });
  const binary = (name: string, description: string, compute: (a: number, b: number) => number): void => {
    server.registerTool(
      name,
      { description, inputSchema: operands, outputSchema: numericResult, annotations: { readOnlyHint: true } },
      ({ a, b }) => answer(compute(a, b)),
    );
  };
  binary('add', 'Add two numbers: a + b', (a, b) => a + b);
  binary('subtract', 'Subtract b from a: a - b', (a, b) => a - b);
  binary('multiply', 'Multiply two numbers: a * b', (a, b) => a * b);
  binary('power', 'Raise a to the power b: a ^ b', (a, b) => a ** b);
  server.registerTool(
    'divide',
    {
      description: 'Divide a by b; dividing by zero is reported as a tool error',
      inputSchema: operands,
      outputSchema: numericResult,
      annotations: { readOnlyHint: true },
    },
    ({ a, b }) =>
      b === 0 ? { content: [{ type: 'text', text: 'Cannot divide by zero' }], isError: true } : answer(a / b),
  );
  server.registerTool(
    'sum',
    {
      description: 'Add up a list of numbers',
      inputSchema: z.object({ values: z.array(z.number()).describe('Numbers to add') }),
      outputSchema: numericResult,
      annotations: { readOnlyHint: true },
    },
    ({ values }) => answer(values.reduce((total, value) => total + value, 0)),
  );
  return server;
}

export async function startCalculatorServer(options: { port?: number } = {}): Promise<StreamableHttpHost> {
  return startStreamableHttpHost({ name: CALCULATOR_SERVER_NAME, port: options.port, createSession: createCalculatorMcpServer });
}

if (isMainModule(import.meta.url)) await runServerCli(CALCULATOR_SERVER_NAME, startCalculatorServer);
