// Plain HTTP to an MCP endpoint, for the cases an SDK client cannot produce or hides:
// malformed bodies, wrong headers, forged session ids, batches, and reading the status
// code and headers of each answer. Answers may be JSON or SSE (the gateway relays whatever
// the upstream chose); both are decoded into the JSON-RPC messages they carry.

export const MCP_ACCEPT = 'application/json, text/event-stream';

export interface RawMcpAnswer {
  status: number;
  headers: Headers;
  contentType: string;
  /** The raw body text. */
  text: string;
  /** JSON-RPC messages in the body: the JSON value (array items spread), or each SSE event's data. */
  messages: unknown[];
}

export interface RawMcpRequestOptions {
  sessionId?: string;
  protocolVersion?: string;
  /** Replaces the default headers of the same name; `undefined` removes one. */
  headers?: Record<string, string | undefined>;
  method?: 'POST' | 'GET' | 'DELETE';
}

function decodeMessages(contentType: string, text: string): unknown[] {
  if (contentType.includes('text/event-stream')) {
    const messages: unknown[] = [];
    for (const event of text.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data.trim() !== '') messages.push(JSON.parse(data));
    }
    return messages;
  }
  if (text.trim() === '') return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [value];
  } catch {
    return [];
  }
}

/** Sends one request (body as given: a string is sent verbatim, anything else as JSON) and reads the whole answer. */
export async function rawMcpRequest(url: string, body: unknown, options: RawMcpRequestOptions = {}): Promise<RawMcpAnswer> {
  const method = options.method ?? 'POST';
  const headers: Record<string, string | undefined> = {
    accept: method === 'GET' ? 'text/event-stream' : MCP_ACCEPT,
    ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    ...(options.sessionId !== undefined ? { 'mcp-session-id': options.sessionId } : {}),
    ...(options.protocolVersion !== undefined ? { 'mcp-protocol-version': options.protocolVersion } : {}),
    ...options.headers,
  };
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value;
  const response = await fetch(url, {
    method,
    headers: sent,
    ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, contentType, text, messages: decodeMessages(contentType, text) };
}

export interface RawSession {
  sessionId: string;
  protocolVersion: string;
}

/** `initialize` + `notifications/initialized` over plain HTTP, asking for `protocolVersion`. */
export async function openRawSession(url: string, protocolVersion: string): Promise<RawSession> {
  const answer = await rawMcpRequest(url, {
    jsonrpc: '2.0',
    id: 'init',
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw-e2e-client', version: '1.0.0' } },
  });
  const sessionId = answer.headers.get('mcp-session-id');
  if (answer.status !== 200 || sessionId === null) throw new Error(`initialize answered ${answer.status}: ${answer.text}`);
  const result = (answer.messages[0] as { result?: { protocolVersion?: string } } | undefined)?.result;
  const negotiated = result?.protocolVersion ?? protocolVersion;
  const initialized = await rawMcpRequest(
    url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { sessionId, protocolVersion: negotiated },
  );
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}: ${initialized.text}`);
  return { sessionId, protocolVersion: negotiated };
}
