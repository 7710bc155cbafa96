// Streams an upstream's answer to the client as it arrives, chunk by chunk with
// backpressure, never collecting it. For a routed call's SSE answer it can also hand
// events that may be server-to-client requests to a rewriter (their ids are remapped):
// chunks that are whole events without such a request — nearly all of them — are written
// as they came; only the others go through an SSE parser. Messages the upstream sent on its
// session's GET stream during the call can be injected between events. When the upstream side breaks
// mid-stream it reports whether the client has received whole events only, so the face
// can end the stream with a JSON-RPC error event instead of cutting it mid-message.

import type { ServerResponse } from 'node:http';
import { serializeSseEvent, SseParser } from '@mcp-gateway/jsonrpc';
import type { AnswerStream } from '../outbound/upstream-answer';
import type { ServerMessageSource } from '../routing/route-decision';

export type RelayOutcome =
  | { readonly kind: 'done'; readonly rewroteEvents: boolean }
  | { readonly kind: 'client-gone'; readonly rewroteEvents: boolean }
  | { readonly kind: 'upstream-broke'; readonly error: unknown; readonly atEventBoundary: boolean; readonly rewroteEvents: boolean };

/** New event data, or undefined to keep the event as it is. */
export type SseEventRewriter = {
  mayRewrite(data: Buffer | string): boolean;
  rewrite(data: string): Promise<string | undefined>;
};

function endsAnEvent(chunk: Buffer): boolean {
  const n = chunk.length;
  // An SSE event ends with a blank line: "\n\n" or "\r\n\r\n" (WHATWG HTML, "Server-sent events").
  return (n >= 2 && chunk[n - 1] === 0x0a && chunk[n - 2] === 0x0a) || (n >= 4 && chunk[n - 1] === 0x0a && chunk[n - 3] === 0x0a && chunk[n - 2] === 0x0d);
}

export function relayResponse(
  response: AnswerStream,
  res: ServerResponse,
  rewriter?: SseEventRewriter,
  injector?: ServerMessageSource,
): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    let atEventBoundary = true;
    let rewroteEvents = false;
    let settled = false;
    const settle = (outcome: RelayOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };

    res.once('finish', () => settle({ kind: 'done', rewroteEvents }));
    res.once('close', () => settle(res.writableFinished ? { kind: 'done', rewroteEvents } : { kind: 'client-gone', rewroteEvents }));
    response.once('error', (error: unknown) => {
      response.unpipe(res);
      settle({ kind: 'upstream-broke', error, atEventBoundary, rewroteEvents });
    });

    if (!rewriter) {
      response.on('data', (chunk: Buffer) => {
        atEventBoundary = endsAnEvent(chunk);
      });
      response.pipe(res);
      return;
    }

    let parser: SseParser | undefined;
    let parserHoldsPartialEvent = false;
    let pendingTasks = 0;
    let waitingForDrain = false;
    let ended = false;
    let finished = false;
    let queue: Promise<void> = Promise.resolve();

    const write = (chunk: Buffer | string): void => {
      if (!res.write(chunk) && !waitingForDrain) {
        waitingForDrain = true;
        response.pause();
        res.once('drain', () => {
          waitingForDrain = false;
          if (pendingTasks === 0 && !ended) response.resume();
        });
      }
    };
    const rewritten = async (data: string): Promise<string> => {
      if (!rewriter.mayRewrite(data)) return data;
      const changed = await rewriter.rewrite(data);
      if (changed === undefined) return data;
      rewroteEvents = true;
      return changed;
    };
    const writeEvents = async (events: ReturnType<SseParser['push']>): Promise<void> => {
      let out = '';
      for (const event of events) out += serializeSseEvent({ ...event, data: await rewritten(event.data) });
      if (out !== '' && !res.destroyed) write(out);
    };
    const finish = async (): Promise<void> => {
      if (finished) return;
      finished = true;
      detachInjector?.();
      if (parser) await writeEvents(parser.end());
      if (!res.destroyed) res.end();
    };
    const fail = (error: unknown): void => {
      detachInjector?.();
      response.destroy();
      settle({ kind: 'upstream-broke', error, atEventBoundary: false, rewroteEvents });
      res.destroy();
    };
    /** Runs after everything queued before it, with the upstream paused meanwhile. Only
     * whole events are ever written, so what the client has received always ends at an
     * event boundary and a task may write between any two upstream events. */
    const enqueue = (task: () => Promise<void>): void => {
      pendingTasks += 1;
      response.pause();
      queue = queue.then(task).then(
        () => {
          pendingTasks -= 1;
          if (pendingTasks > 0) return;
          if (ended) void finish().catch(fail);
          else if (!waitingForDrain) response.resume();
        },
        fail,
      );
    };

    const detachInjector = injector?.attach((data) => {
      if (finished || res.destroyed) return;
      enqueue(async () => {
        if (finished || res.destroyed) return;
        write(serializeSseEvent({ event: 'message', data: await rewritten(data) }));
      });
    });
    if (detachInjector) res.once('close', detachInjector);

    response.on('data', (chunk: Buffer) => {
      if (pendingTasks === 0 && !parserHoldsPartialEvent && endsAnEvent(chunk) && !rewriter.mayRewrite(chunk)) {
        write(chunk);
        return;
      }
      // Slow path: parse, rewrite what needs it, keep the order — no more data until done.
      parser ??= new SseParser();
      const events = parser.push(chunk);
      parserHoldsPartialEvent = !endsAnEvent(chunk);
      atEventBoundary = !parserHoldsPartialEvent;
      enqueue(() => writeEvents(events));
    });
    response.once('end', () => {
      ended = true;
      if (pendingTasks === 0) void finish().catch(fail);
    });
  });
}
