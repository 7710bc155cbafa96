// The ClientStreamChannel of a single router (the embedded default, no Redis): streams are
// all in this process; messages for a session without one are kept in memory, each for
// `keepMs`, at most MAX_KEPT_MESSAGES per session. Expiry is checked when a stream opens
// and by one coarse, unref'd sweep — never a timer per message.

import type { ClientStreamChannel, ClientStreamSink } from './client-stream-channel';
import { MAX_KEPT_MESSAGES } from './client-stream-channel';
import { LocalSinks } from './local-sinks';

export interface InMemoryClientStreamChannelOptions {
  /** How long a message waits for a stream to open. */
  readonly keepMs: number;
  readonly clock?: () => number;
  readonly sweepIntervalMs?: number;
}

interface KeptMessage {
  readonly data: string;
  readonly expiresAtMs: number;
}

export class InMemoryClientStreamChannel implements ClientStreamChannel {
  private readonly sinks = new LocalSinks();
  private readonly kept = new Map<string, KeptMessage[]>();
  private readonly clock: () => number;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(private readonly options: InMemoryClientStreamChannelOptions) {
    this.clock = options.clock ?? Date.now;
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.sweepTimer.unref();
  }

  async deliver(gatewaySessionId: string, data: string): Promise<void> {
    if (this.sinks.deliver(gatewaySessionId, data)) return;
    let messages = this.kept.get(gatewaySessionId);
    if (!messages) this.kept.set(gatewaySessionId, (messages = []));
    messages.push({ data, expiresAtMs: this.clock() + this.options.keepMs });
    if (messages.length > MAX_KEPT_MESSAGES) messages.shift();
  }

  async subscribe(gatewaySessionId: string, sink: ClientStreamSink): Promise<() => void> {
    const remove = this.sinks.add(gatewaySessionId, sink);
    const kept = this.kept.get(gatewaySessionId);
    this.kept.delete(gatewaySessionId);
    const now = this.clock();
    for (const message of kept ?? []) if (message.expiresAtMs > now) sink(message.data);
    return () => void remove();
  }

  async dropSession(gatewaySessionId: string): Promise<void> {
    this.kept.delete(gatewaySessionId);
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sinks.clear();
    this.kept.clear();
  }

  private sweep(): void {
    const now = this.clock();
    for (const [gatewaySessionId, messages] of this.kept) {
      const live = messages.filter((message) => message.expiresAtMs > now);
      if (live.length === 0) this.kept.delete(gatewaySessionId);
      else this.kept.set(gatewaySessionId, live);
    }
  }
}
