// Writes events in the text/event-stream format (WHATWG HTML §9.2.5) so that SseParser, or
// any conforming client, reads back exactly the event that was written.
import type { SseEvent } from './sse-parser';

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * One event, ending with the blank line that dispatches it. Multi-line `data` becomes one
 * `data:` line per line. Throws RangeError for what the format cannot carry: a line break in
 * `event` or `id`, NULL in `id` (a client would ignore the whole id), or a `retry` that is not
 * a non-negative safe integer. An empty `event` is the default type and is left out.
 */
export function serializeSseEvent(event: SseEvent): string {
  let out = '';
  if (event.event !== undefined && event.event !== '') {
    if (hasLineBreak(event.event)) throw new RangeError('SSE event type must not contain CR or LF');
    out += `event: ${event.event}\n`;
  }
  if (event.id !== undefined) {
    if (hasLineBreak(event.id) || event.id.includes('\0')) throw new RangeError('SSE event id must not contain CR, LF or NULL');
    out += `id: ${event.id}\n`;
  }
  if (event.retry !== undefined) {
    if (!Number.isSafeInteger(event.retry) || event.retry < 0) throw new RangeError('SSE retry must be a non-negative integer');
    out += `retry: ${event.retry}\n`;
  }
  const data = event.data;
  // Fast path: a JSON-RPC message serialized by JSON.stringify never contains a raw line break.
  if (!hasLineBreak(data)) return `${out}data: ${data}\n\n`;
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment block (ignored by clients), e.g. a keep-alive: `": text\n\n"`. */
export function serializeSseComment(text: string): string {
  if (!hasLineBreak(text)) return `: ${text}\n\n`;
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += `: ${line}\n`;
  return `${out}\n`;
}

function hasLineBreak(value: string): boolean {
  return value.includes('\n') || value.includes('\r');
}
