// The kind suite's user check: a real MCP SDK client, through the Gateway, initializes a
// session, finds the registered upstream's tools under their prefix, calls one, and ends the
// session. Run by check-gateway.sh: node --import tsx e2e/kind/mcp-smoke.ts <gateway /mcp URL>
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const PREFIXED_TOOL = 'everything_echo';
const MESSAGE = 'hello from the kind suite';
const DEADLINE_MS = 30_000;

class SmokeCheckError extends Error {
  override readonly name = 'SmokeCheckError';
}

async function check(url: string): Promise<Record<string, unknown>> {
  const client = new Client({ name: 'kind-e2e', version: '1.0.0' }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    if (!names.includes(PREFIXED_TOOL)) throw new SmokeCheckError(`tools/list through the Gateway has no ${PREFIXED_TOOL}; it has: ${names.join(', ') || 'nothing'}`);
    const result = await client.callTool({ name: PREFIXED_TOOL, arguments: { message: MESSAGE } });
    const text = JSON.stringify(result.content);
    if (result.isError === true || !text.includes(MESSAGE)) throw new SmokeCheckError(`${PREFIXED_TOOL} answered ${text}`);
    return { sessionId: transport.sessionId, tools: names.length, called: PREFIXED_TOOL };
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close();
  }
}

const url = process.argv[2];
if (url === undefined) {
  console.error('usage: mcp-smoke.ts <gateway /mcp URL>');
  process.exit(2);
}
const timer = setTimeout(() => {
  console.error(`no answer from ${url} within ${DEADLINE_MS} ms`);
  process.exit(1);
}, DEADLINE_MS);
try {
  // Two sessions one after the other: each gets its own upstream session through the router.
  const first = await check(url);
  const second = await check(url);
  console.log(JSON.stringify({ msg: 'MCP through the Gateway works', url, first, second }));
  clearTimeout(timer);
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
}
