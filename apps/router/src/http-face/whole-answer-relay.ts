// Relays a small answer of declared length (a JSON-RPC result, a list page) whole: its
// bytes are collected and written with the head in one `end()` — one write to the client,
// no stream pipe set up and torn down per answer. Only answers of known, bounded length
// come here; SSE streams and answers without a length keep the streaming relay
// (response-relay.ts), so nothing unbounded is ever collected.

import type { ServerResponse } from 'node:http';
import type { AnswerStream } from '../outbound/upstream-answer';
import type { RelayOutcome } from './response-relay';

/** Largest declared length relayed whole; longer answers are streamed. */
export const MAX_WHOLE_ANSWER_BYTES = 1024 * 1024;

const DONE: RelayOutcome = Object.freeze({ kind: 'done', rewroteEvents: false });
const CLIENT_GONE: RelayOutcome = Object.freeze({ kind: 'client-gone', rewroteEvents: false });

export function canRelayWhole(isEventStream: boolean, contentLength: number | undefined): contentLength is number {
  return !isEventStream && contentLength !== undefined && contentLength <= MAX_WHOLE_ANSWER_BYTES;
}

/**
 * Writes `status`, `headerLines` and the whole body once it has arrived. An upstream that
 * breaks before its body is complete is reported like a broken stream (nothing has been
 * written: the face decides what the client gets); a client that leaves meanwhile stops
 * the relay.
 */
export function relayWholeAnswer(response: AnswerStream, res: ServerResponse, status: number, headerLines: readonly string[]): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    const onData = (chunk: Buffer): void => {
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    };
    const stop = (outcome: RelayOutcome): void => {
      response.off('data', onData);
      response.off('end', onEnd);
      response.off('error', onError);
      response.off('close', onClose);
      res.off('close', onClientClose);
      resolve(outcome);
    };
    const onEnd = (): void => {
      stop(DONE);
      if (res.destroyed) return;
      res.writeHead(status, headerLines as string[]);
      res.end(more ? Buffer.concat(more) : first);
    };
    const onError = (error: unknown): void => stop({ kind: 'upstream-broke', error, atEventBoundary: false, rewroteEvents: false });
    // 'close' comes after 'end' when all went well; still listening means it came without
    // one (destroyed without an error): the body will not complete.
    const onClose = (): void => onError(new Error('the answer was cut before its end'));
    const onClientClose = (): void => stop(CLIENT_GONE);
    response.on('data', onData);
    response.once('end', onEnd);
    response.once('error', onError);
    response.once('close', onClose);
    res.once('close', onClientClose);
  });
}
