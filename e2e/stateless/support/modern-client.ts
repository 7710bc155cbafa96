// Clients of both protocol eras for the stateless-era suites, answering what an upstream may
// ask them the same scripted way, so a test can tell which answer reached which upstream:
//
// - a stateless-era client: MCP SDK v2 `Client` pinned to 2026-07-28 (`server/discover`,
//   per-request `_meta`, Mcp-Method/Mcp-Name headers; input-required results fulfilled
//   through its handlers and retried, as the SDK does by default);
// - a session-era client: the same SDK with the plain 2025 `initialize` handshake.
//
// Both declare elicitation, sampling and roots unless told otherwise, and count what they
// were asked.
import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';

export const CLIENT_ROOTS = [{ uri: 'file:///srv/stateless-suite', name: 'suite' }];

export interface EraClient {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  /** Methods of the requests the client was asked to answer, in order. */
  asked(): string[];
  close(): Promise<void>;
}

export interface EraClientOptions {
  /** Name given in an elicitation form asking for a name (default "Ada"). */
  readonly name?: string;
  /** Colour picked in a form offering colours (default "green"). */
  readonly colour?: string;
  /** Default: elicitation (form), sampling, roots. */
  readonly capabilities?: ClientCapabilities;
  readonly clientName?: string;
}

const FULL_CAPABILITIES: ClientCapabilities = { elicitation: { form: {} }, sampling: {}, roots: { listChanged: true } };

function scripted(client: Client, options: EraClientOptions, asked: string[]): void {
  const capabilities = options.capabilities ?? FULL_CAPABILITIES;
  if (capabilities.elicitation) {
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push('elicitation/create');
      const properties = (request.params as { requestedSchema?: { properties?: Record<string, unknown> } }).requestedSchema?.properties ?? {};
      const content: Record<string, string> = 'colour' in properties ? { colour: options.colour ?? 'green' } : { name: options.name ?? 'Ada' };
      return { action: 'accept' as const, content };
    });
  }
  if (capabilities.sampling) {
    client.setRequestHandler('sampling/createMessage', async () => {
      asked.push('sampling/createMessage');
      return { role: 'assistant', content: { type: 'text', text: 'forty-two' }, model: 'suite-model', stopReason: 'endTurn' };
    });
  }
  if (capabilities.roots) {
    client.setRequestHandler('roots/list', async () => {
      asked.push('roots/list');
      return { roots: CLIENT_ROOTS };
    });
  }
}

async function connect(url: string, era: 'stateless' | 'session', options: EraClientOptions): Promise<EraClient> {
  const asked: string[] = [];
  const client = new Client(
    { name: options.clientName ?? `${era}-era-client`, version: '1.0.0' },
    {
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      ...(era === 'stateless' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
    },
  );
  scripted(client, options, asked);
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return {
    client,
    transport,
    asked: () => [...asked],
    close: async () => {
      if (era === 'session') await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

export function connectStatelessClient(url: string, options: EraClientOptions = {}): Promise<EraClient> {
  return connect(url, 'stateless', options);
}

export function connectSessionClient(url: string, options: EraClientOptions = {}): Promise<EraClient> {
  return connect(url, 'session', options);
}
