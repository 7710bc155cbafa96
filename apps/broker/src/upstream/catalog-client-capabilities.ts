// What the broker's own catalog connection to an upstream declares as client capabilities,
// and how it answers the requests those capabilities invite.
//
// Some servers list tools only to clients that declared what the tools need (the reference
// "everything" server lists `trigger-elicitation-request`, `trigger-sampling-request`,
// `get-roots-list`… only to clients with elicitation, sampling or roots). The gateway's
// catalog must show what a fully capable client would see, so the catalog connection
// declares every client capability the gateway can relay (MCP 2025-11-25 "Lifecycle:
// Capability Negotiation"). The broker itself never runs a tool, so it is asked little on
// this connection — at most roots/list after initialization — and answers honestly that it
// has nothing: no roots, no user to ask, no model. The per-client upstream sessions that
// routers open carry each client's own capabilities instead (see the router's
// `relayableClientCapabilities`), so an upstream never asks a client that cannot answer.
import type { Client, ClientCapabilities } from '@modelcontextprotocol/client';

export const CATALOG_CLIENT_CAPABILITIES: ClientCapabilities = Object.freeze({
  elicitation: { form: {}, url: {} },
  sampling: {},
  roots: { listChanged: true },
});

/** Registers the answers of the catalog connection to server-initiated requests. */
export function answerServerRequestsAsCatalogClient(client: Client): void {
  client.setRequestHandler('roots/list', () => ({ roots: [] }));
  // "decline": the user explicitly said no (spec "Elicitation: Response Actions") — the
  // closest truthful answer for a gateway with no user behind this connection.
  client.setRequestHandler('elicitation/create', () => ({ action: 'decline' as const }));
  client.setRequestHandler('sampling/createMessage', () => {
    throw new Error('the gateway catalog connection has no model to sample from');
  });
}
