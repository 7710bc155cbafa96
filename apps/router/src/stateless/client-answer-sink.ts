// Where a bridged call writes what its client must see. A StreamingAnswer writes to the
// client's HTTP response: one JSON body when the final answer is all there is, or — as soon
// as anything comes before it (a progress notification, a request to the client) — an SSE
// stream (both eras let the server choose per request). A CollectedAnswer keeps only the
// final answer, for rounds answered as a whole (a stateless retry through a face that
// cannot stream).
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { serializeSseEvent } from '@mcp-gateway/jsonrpc';
import type { JsonRpcMessage, JsonRpcResponse } from '@mcp-gateway/jsonrpc';
import type { ImmediateAnswer } from '../routing/route-decision';

const JSON_HEADERS: OutgoingHttpHeaders = Object.freeze({ 'content-type': 'application/json' });
const SSE_HEADERS: OutgoingHttpHeaders = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
});

export interface ClientAnswerSink {
  /** A notification or a request for the client, before the final answer. */
  send(message: JsonRpcMessage): void;
  /** The final answer; `status` is used only when nothing was sent before it. */
  finish(answer: JsonRpcResponse, status?: number): void;
  /** Whether the client is still there to be written to. */
  readonly open: boolean;
}

export class StreamingAnswer implements ClientAnswerSink {
  private streaming = false;

  constructor(private readonly res: ServerResponse) {}

  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  send(message: JsonRpcMessage): void {
    if (!this.open) return;
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, SSE_HEADERS);
      this.res.flushHeaders();
    }
    this.res.write(serializeSseEvent({ event: 'message', data: JSON.stringify(message) }));
  }

  finish(answer: JsonRpcResponse, status = 200): void {
    if (!this.open) return;
    const data = JSON.stringify(answer);
    if (this.streaming) {
      this.res.end(serializeSseEvent({ event: 'message', data }));
      return;
    }
    this.res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(data) });
    this.res.end(data);
  }
}

export class CollectedAnswer implements ClientAnswerSink {
  private answer: ImmediateAnswer | undefined;

  get open(): boolean {
    return this.answer === undefined;
  }

  /** Dropped: a collected answer has nowhere to put what comes before the result. */
  send(): void {
    return undefined;
  }

  finish(answer: JsonRpcResponse, status = 200): void {
    this.answer ??= { kind: 'answer', status, headers: JSON_HEADERS, body: JSON.stringify(answer) };
  }

  /** The final answer (an internal error if none was given). */
  result(): ImmediateAnswer {
    return this.answer ?? { kind: 'answer', status: 500, headers: JSON_HEADERS, body: '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}' };
  }
}
