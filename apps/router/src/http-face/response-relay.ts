// Streams an upstream's answer to the client as it arrives, chunk by chunk with
// backpressure (pipe), never collecting it. When the upstream side breaks mid-stream it
// reports whether the client has received whole SSE events only, so the face can close
// the stream with a proper JSON-RPC error event instead of cutting it mid-message.

import type { IncomingMessage, ServerResponse } from 'node:http';

export type RelayOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'client-gone' }
  | { readonly kind: 'upstream-broke'; readonly error: unknown; readonly atEventBoundary: boolean };

function endsAnEvent(chunk: Buffer): boolean {
  const n = chunk.length;
  // An SSE event ends with a blank line: "\n\n" or "\r\n\r\n" (WHATWG HTML, "Server-sent events").
  return (n >= 2 && chunk[n - 1] === 0x0a && chunk[n - 2] === 0x0a) || (n >= 4 && chunk[n - 1] === 0x0a && chunk[n - 3] === 0x0a && chunk[n - 2] === 0x0d);
}

export function relayResponse(response: IncomingMessage, res: ServerResponse): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    let lastChunk: Buffer | undefined;
    const onData = (chunk: Buffer): void => {
      lastChunk = chunk;
    };
    const onError = (error: unknown): void => {
      response.unpipe(res);
      resolve({ kind: 'upstream-broke', error, atEventBoundary: lastChunk === undefined || endsAnEvent(lastChunk) });
    };
    response.on('data', onData);
    response.once('error', onError);
    res.once('finish', () => resolve({ kind: 'done' }));
    res.once('close', () => resolve(res.writableFinished ? { kind: 'done' } : { kind: 'client-gone' }));
    response.pipe(res);
  });
}
