// The sinks of the client GET streams open in this process, per gateway session; a message
// goes to the newest one (see ClientStreamChannel). Shared by both channel implementations.

import type { ClientStreamSink } from './client-stream-channel';

export class LocalSinks {
  private readonly bySession = new Map<string, ClientStreamSink[]>();

  add(gatewaySessionId: string, sink: ClientStreamSink): () => boolean {
    let sinks = this.bySession.get(gatewaySessionId);
    if (!sinks) this.bySession.set(gatewaySessionId, (sinks = []));
    sinks.push(sink);
    const list = sinks;
    let removed = false;
    /** Removes the sink; true when it was the session's last one here. */
    return () => {
      if (removed) return false;
      removed = true;
      const index = list.indexOf(sink);
      if (index !== -1) list.splice(index, 1);
      if (list.length > 0) return false;
      if (this.bySession.get(gatewaySessionId) === list) this.bySession.delete(gatewaySessionId);
      return true;
    };
  }

  /** Hands `data` to the newest sink of the session; false when it has none here. */
  deliver(gatewaySessionId: string, data: string): boolean {
    const sink = this.bySession.get(gatewaySessionId)?.at(-1);
    if (!sink) return false;
    sink(data);
    return true;
  }

  has(gatewaySessionId: string): boolean {
    return this.bySession.has(gatewaySessionId);
  }

  clear(): void {
    this.bySession.clear();
  }
}
