// Rewrites an SSE answer that Envoy hands over chunk by chunk (response body STREAMED):
// each chunk must be answered with the bytes that replace it before Envoy sends it on, so
// nothing is collected. A chunk made of whole events that cannot hold a server-to-client
// request — nearly all of them — passes untouched (no body mutation). Otherwise the chunk
// goes through an SSE parser: complete events are written back (rewritten where needed,
// in order) and an event cut at the chunk's end is held until the chunk that completes it,
// so a chunk may be replaced by fewer bytes, or by none.

import { serializeSseEvent, SseParser } from '@mcp-gateway/jsonrpc';

/** New event data, or undefined to keep the event as it is. */
export interface SseEventRewrite {
  mayRewrite(data: Buffer | string): boolean;
  rewrite(data: string): Promise<string | undefined>;
}

function endsAnEvent(chunk: Buffer): boolean {
  const n = chunk.length;
  // An event ends with a blank line: "\n\n" or "\r\n\r\n" (WHATWG HTML, "Server-sent events").
  return (n >= 2 && chunk[n - 1] === 0x0a && chunk[n - 2] === 0x0a) || (n >= 4 && chunk[n - 1] === 0x0a && chunk[n - 3] === 0x0a && chunk[n - 2] === 0x0d);
}

export class StreamedSseRewriter {
  private parser: SseParser | undefined;
  private holdsPartialEvent = false;
  private rewrote = false;

  constructor(private readonly rewrite: SseEventRewrite) {}

  /** True once an event was rewritten (the call asked the client something). */
  get rewroteEvents(): boolean {
    return this.rewrote;
  }

  /** The bytes to send instead of `chunk`, or undefined to send it unchanged. */
  async push(chunk: Buffer, endOfStream: boolean): Promise<Buffer | undefined> {
    if (!this.holdsPartialEvent && (chunk.length === 0 || endsAnEvent(chunk)) && !this.rewrite.mayRewrite(chunk)) return undefined;
    this.parser ??= new SseParser();
    const events = this.parser.push(chunk);
    if (endOfStream) events.push(...this.parser.end());
    this.holdsPartialEvent = !endOfStream && !endsAnEvent(chunk);
    let out = '';
    for (const event of events) {
      let data = event.data;
      if (this.rewrite.mayRewrite(data)) {
        const rewritten = await this.rewrite.rewrite(data);
        if (rewritten !== undefined) {
          data = rewritten;
          this.rewrote = true;
        }
      }
      out += serializeSseEvent({ ...event, data });
    }
    return Buffer.from(out, 'utf8');
  }
}
