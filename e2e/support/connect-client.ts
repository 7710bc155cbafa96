// Connects a real MCP SDK v2 client to a URL over Streamable HTTP (session era: plain
// `initialize`, no 2026-07-28 probe), for specs that talk to fixture servers or the gateway.
import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';

export interface ConnectedClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** The Mcp-Session-Id the server issued. */
  sessionId: string | undefined;
  /** Ends the session (DELETE) and closes the transport. */
  close(): Promise<void>;
}

export interface ConnectClientOptions {
  capabilities?: ClientCapabilities;
  /** Registers request/notification handlers before `initialize`, so capabilities are honoured. */
  configure?: (client: Client) => void;
  name?: string;
  headers?: Record<string, string>;
}

export async function connectClient(url: string, options: ConnectClientOptions = {}): Promise<ConnectedClient> {
  const client = new Client(
    { name: options.name ?? 'e2e-client', version: '1.0.0' },
    { capabilities: options.capabilities ?? {} },
  );
  options.configure?.(client);
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(options.headers ? { requestInit: { headers: options.headers } } : {}),
  });
  await client.connect(transport);
  return {
    client,
    transport,
    sessionId: transport.sessionId,
    close: async () => {
      // The session may already be gone on the server (a test made it forget it).
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}
