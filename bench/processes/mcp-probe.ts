// Readiness probe for an MCP endpoint: opens a session, walks `tools/list` to the end and
// closes the session. The benchmark waits on it until a server (or the gateway, once its
// broker has connected every upstream) lists the tools a scenario needs. Not on any hot
// path: it parses JSON and SSE answers plainly.

const PROTOCOL_VERSION = '2025-11-25';
const PROBE_TIMEOUT_MS = 5_000;
const MAX_PAGES = 100;

export class ProbeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeError';
  }
}

interface JsonRpcAnswer {
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly code: number; readonly message: string };
}

export interface ToolCatalog {
  readonly names: readonly string[];
  /** Pages `tools/list` took (1 when the server does not paginate). */
  readonly pages: number;
}

/** All tools the endpoint lists, following `nextCursor`. */
export async function listToolCatalog(url: string): Promise<ToolCatalog> {
  const init = await post(url, undefined, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcp-gateway-bench-probe', version: '1.0.0' } } });
  const sessionId = init.headers.get('mcp-session-id');
  if (!sessionId) throw new ProbeError(`initialize answered HTTP ${init.status} without Mcp-Session-Id`);
  await readAnswer(init, 'initialize');
  try {
    const initialized = await post(url, sessionId, { jsonrpc: '2.0', method: 'notifications/initialized' });
    await initialized.arrayBuffer();
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await post(url, sessionId, { jsonrpc: '2.0', id: 2 + page, method: 'tools/list', params: cursor === undefined ? {} : { cursor } });
      const result = await readAnswer(response, 'tools/list');
      const tools = Array.isArray(result['tools']) ? (result['tools'] as Array<{ name?: unknown }>) : [];
      for (const tool of tools) if (typeof tool.name === 'string') names.push(tool.name);
      cursor = typeof result['nextCursor'] === 'string' ? result['nextCursor'] : undefined;
      if (cursor === undefined) return { names, pages: page + 1 };
    }
    throw new ProbeError(`tools/list did not end within ${MAX_PAGES} pages`);
  } finally {
    await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
  }
}

function post(url: string, sessionId: string | undefined, message: Record<string, unknown>): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (sessionId !== undefined) {
    headers['mcp-session-id'] = sessionId;
    headers['mcp-protocol-version'] = PROTOCOL_VERSION;
  }
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(message), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
}

/** The JSON-RPC result of a JSON answer or of the first response event of an SSE answer. */
async function readAnswer(response: Response, method: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (response.status !== 200) throw new ProbeError(`${method} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  const isSse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  const candidates = isSse ? sseDataPayloads(text) : [text];
  for (const payload of candidates) {
    let answer: JsonRpcAnswer;
    try {
      answer = JSON.parse(payload) as JsonRpcAnswer;
    } catch {
      continue;
    }
    if (answer.error) throw new ProbeError(`${method} failed: ${answer.error.code} ${answer.error.message}`);
    if (answer.result) return answer.result;
  }
  throw new ProbeError(`${method} answer carried no JSON-RPC result: ${text.slice(0, 200)}`);
}

function sseDataPayloads(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n'),
    )
    .filter((data) => data.length > 0);
}
