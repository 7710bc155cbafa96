// An incremental parser for the text/event-stream format (WHATWG HTML §9.2.6 "Interpreting an
// event stream"), for streaming MCP responses through the gateway without buffering them
// whole. Chunks may split the stream anywhere — inside a multi-byte UTF-8 character, inside
// the byte order mark, between the CR and LF of a line ending — and the events come out the
// same. It never throws and never holds more than the current line and the event being built.

/**
 * One dispatched event. `event` is absent for the default type ("message"). `id` and `retry`
 * are present when this event's block — or a preceding block that dispatched nothing because
 * it had no `data` — carried that field, so a proxy re-serializing the events keeps them.
 * Line breaks inside `data` come out as LF, whatever the stream used.
 */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
  retry?: number;
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const BYTE_ORDER_MARK = 0xfeff;
const ASCII_DIGITS = /^[0-9]+$/;

export class SseParser {
  // ignoreBOM: the BOM is stripped below instead, so string chunks get the same treatment.
  #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** No text seen yet: a leading U+FEFF is still to be dropped (WHATWG: UTF-8 decode strips one BOM). */
  #atStreamStart = true;
  /** The last chunk ended in CR: an LF at the start of the next one completes that line ending. */
  #skipLineFeed = false;
  /** Pieces of the current line, which has no line ending yet. */
  #partialLine: string[] = [];

  // The event being assembled. `#data` is undefined until a data field arrives, which is what
  // the spec's "data buffer is the empty string" test means: an empty `data:` line still counts.
  #data: string | undefined = undefined;
  #eventType = '';
  #pendingId: string | undefined = undefined;
  #pendingRetry: number | undefined = undefined;

  #lastEventId = '';
  #retryMs: number | undefined = undefined;

  /** The spec's "last event ID buffer": what a client would send as Last-Event-ID. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** The reconnection time the stream last asked for, if any. */
  get retryMs(): number | undefined {
    return this.#retryMs;
  }

  /** Feeds the next chunk (bytes, or already-decoded text) and returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const events: SseEvent[] = [];
    let text: string;
    try {
      if (typeof chunk === 'string') {
        // Bytes held back from an earlier chunk can never be completed by text: flush them.
        text = this.#decoder.decode() + chunk;
      } else if (chunk instanceof Uint8Array) {
        text = this.#decoder.decode(chunk, { stream: true });
      } else {
        return events;
      }
    } catch {
      // A detached buffer: nothing readable arrived.
      return events;
    }
    if (text.length === 0) return events;
    if (this.#atStreamStart) {
      this.#atStreamStart = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    this.#scanLines(text, events);
    return events;
  }

  /**
   * Ends the stream and resets the parser for reuse. WHATWG §9.2.6: at end of file an event
   * not yet closed by a blank line is discarded, so this never completes one; it returns an
   * array so callers can treat every step of a stream alike.
   */
  end(): SseEvent[] {
    this.#decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    this.#atStreamStart = true;
    this.#skipLineFeed = false;
    this.#partialLine = [];
    this.#resetEvent();
    this.#pendingId = undefined;
    this.#pendingRetry = undefined;
    this.#lastEventId = '';
    this.#retryMs = undefined;
    return [];
  }

  #scanLines(text: string, events: SseEvent[]): void {
    const length = text.length;
    let start = 0;
    if (this.#skipLineFeed) {
      this.#skipLineFeed = false;
      if (text.charCodeAt(0) === LINE_FEED) start = 1;
    }
    // indexOf finds line ends far faster than a character loop on long data lines; the two
    // positions are cached because most streams use only LF and the CR search runs once.
    let nextLineFeed = text.indexOf('\n', start);
    let nextCarriageReturn = text.indexOf('\r', start);
    while (start < length) {
      if (nextLineFeed !== -1 && nextLineFeed < start) nextLineFeed = text.indexOf('\n', start);
      if (nextCarriageReturn !== -1 && nextCarriageReturn < start) nextCarriageReturn = text.indexOf('\r', start);
      const end =
        nextLineFeed === -1 ? nextCarriageReturn : nextCarriageReturn === -1 ? nextLineFeed : Math.min(nextLineFeed, nextCarriageReturn);
      if (end === -1) {
        this.#partialLine.push(start === 0 ? text : text.slice(start));
        return;
      }
      let line = text.slice(start, end);
      if (this.#partialLine.length > 0) {
        this.#partialLine.push(line);
        line = this.#partialLine.join('');
        this.#partialLine = [];
      }
      this.#processLine(line, events);
      if (text.charCodeAt(end) === CARRIAGE_RETURN) {
        // CR LF is one line ending; a CR at the very end of the chunk may still have its LF coming.
        if (end + 1 === length) {
          this.#skipLineFeed = true;
          return;
        }
        start = text.charCodeAt(end + 1) === LINE_FEED ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
    }
  }

  #processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.#dispatch(events);
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return; // a comment (keep-alives)
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      const valueStart = line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
      value = line.slice(valueStart);
    }
    switch (field) {
      case 'data':
        this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
        break;
      case 'event':
        this.#eventType = value;
        break;
      case 'id':
        // An id containing NULL is ignored entirely.
        if (!value.includes('\0')) {
          this.#lastEventId = value;
          this.#pendingId = value;
        }
        break;
      case 'retry':
        // Only a value of ASCII digits sets the reconnection time; anything else is ignored.
        if (ASCII_DIGITS.test(value)) {
          const retry = Number(value);
          this.#retryMs = retry;
          this.#pendingRetry = retry;
        }
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
  }

  #dispatch(events: SseEvent[]): void {
    if (this.#data === undefined) {
      // No data: nothing is dispatched, but a pending id/retry carries over to the next event.
      this.#eventType = '';
      return;
    }
    const event: SseEvent = { data: this.#data };
    if (this.#eventType !== '') event.event = this.#eventType;
    if (this.#pendingId !== undefined) event.id = this.#pendingId;
    if (this.#pendingRetry !== undefined) event.retry = this.#pendingRetry;
    events.push(event);
    this.#resetEvent();
    this.#pendingId = undefined;
    this.#pendingRetry = undefined;
  }

  #resetEvent(): void {
    this.#data = undefined;
    this.#eventType = '';
  }
}
