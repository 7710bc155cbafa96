// Reads an upstream's answer to one POST as the JSON-RPC messages it carries, whether the
// upstream chose a JSON body or an SSE stream (both eras let it choose), one message at a
// time as they arrive: a progress notification is seen before the result. Used by the era
// bridges, which must look at every message; plain routed calls never come here.
import type { IncomingMessage } from 'node:http';
import { parseJsonRpc, SseParser } from '@mcp-gateway/jsonrpc';
import type { JsonRpcMessage } from '@mcp-gateway/jsonrpc';
import { readSmallBody } from '../outbound/outbound-request';

/** Largest JSON answer read whole (a resources/read result may be big). */
const MAX_JSON_ANSWER_BYTES = 64 * 1024 * 1024;

export function isEventStream(response: IncomingMessage): boolean {
  return String(response.headers['content-type'] ?? '').includes('text/event-stream');
}

/** Each JSON-RPC message of the answer; data that is not one (priming events, comments) is skipped. */
export async function* upstreamMessages(response: IncomingMessage): AsyncGenerator<JsonRpcMessage> {
  if (!isEventStream(response)) {
    const parsed = parseJsonRpc(await readSmallBody(response, MAX_JSON_ANSWER_BYTES));
    if (parsed.ok && parsed.kind === 'single') yield parsed.message;
    return;
  }
  const parser = new SseParser();
  for await (const chunk of response) {
    for (const event of parser.push(chunk as Buffer)) {
      const message = messageOf(event.event, event.data);
      if (message) yield message;
    }
  }
  for (const event of parser.end()) {
    const message = messageOf(event.event, event.data);
    if (message) yield message;
  }
}

function messageOf(type: string | undefined, data: string): JsonRpcMessage | undefined {
  if ((type !== undefined && type !== 'message') || data === '') return undefined;
  const parsed = parseJsonRpc(data);
  return parsed.ok && parsed.kind === 'single' ? parsed.message : undefined;
}
