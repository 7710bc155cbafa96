// Event store for one session's SSE streams, so a client that reconnects with `Last-Event-ID`
// gets the messages it missed on that stream (spec 2025-11-25 "Resumability and
// Redelivery": the server replays only messages of the stream the event id belongs to).
// In memory and bounded: a fixture server, never a production store.
import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';

interface StoredEvent {
  eventId: EventId;
  streamId: StreamId;
  message: JSONRPCMessage;
}

export class InMemoryEventStore implements EventStore {
  private readonly events: StoredEvent[] = [];
  private sequence = 0;

  constructor(private readonly maxEvents = 1000) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    this.sequence += 1;
    // The stream id is recoverable from the event id alone, which is what
    // getStreamIdForEventId needs after older events were evicted.
    const eventId = `${streamId}:${this.sequence}`;
    this.events.push({ eventId, streamId, message });
    if (this.events.length > this.maxEvents) this.events.shift();
    return eventId;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const separator = eventId.lastIndexOf(':');
    return separator > 0 ? eventId.slice(0, separator) : undefined;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const streamId = await this.getStreamIdForEventId(lastEventId);
    if (streamId === undefined) throw new Error(`unknown event id ${lastEventId}`);
    const lastSequence = Number(lastEventId.slice(streamId.length + 1));
    for (const event of this.events) {
      if (event.streamId !== streamId) continue;
      const sequence = Number(event.eventId.slice(streamId.length + 1));
      // Priming events carry an empty message: nothing to redeliver.
      if (sequence > lastSequence && Object.keys(event.message).length > 0) await send(event.eventId, event.message);
    }
    return streamId;
  }
}
