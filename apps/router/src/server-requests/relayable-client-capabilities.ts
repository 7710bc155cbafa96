// The client capabilities the gateway passes on when it opens an upstream session for a
// client (MCP 2025-11-25 "Lifecycle: Capability Negotiation"). An upstream decides what it
// may ask the client from these, so the gateway declares exactly what this client declared
// AND the gateway can carry: elicitation (form and/or url mode), sampling and roots — the
// requests the router relays (`elicitation/create`, `sampling/createMessage`, `roots/list`)
// and the notification it fans out (`notifications/roots/list_changed`). Everything else is
// left out: task-augmented requests, experimental and extension capabilities name
// exchanges the gateway cannot relay, and an upstream must never ask a client through the
// gateway for something that cannot arrive. Sub-fields (elicitation.form/url,
// sampling.context/tools, roots.listChanged) pass unchanged: they describe the client.

const RELAYABLE = ['elicitation', 'sampling', 'roots'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function relayableClientCapabilities(declared: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const relayable: Record<string, unknown> = {};
  for (const name of RELAYABLE) {
    const value = declared[name];
    if (isObject(value)) relayable[name] = value;
  }
  return relayable;
}
