// Reads a client's POST body whole — JSON-RPC bodies are small, and one buffer written
// upstream once with content-length beats piping (INFRA.md "Performance facts") — but
// never more than the limit: a declared Content-Length over it is refused before a byte
// is read, and an undeclared one stops being collected the moment it passes the limit.

import type { IncomingMessage } from 'node:http';

export const BODY_TOO_LARGE = Symbol('body too large');

/** The client went away before its body was complete: nothing to answer, nothing to log. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor() {
    super('the client closed the connection before sending the whole body');
  }
}

export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer | typeof BODY_TOO_LARGE> {
  const declared = req.headers['content-length'];
  const declaredLength = declared === undefined ? undefined : Number(declared);
  if (declaredLength !== undefined && declaredLength > limit) return Promise.resolve(BODY_TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        resolve(BODY_TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', () => reject(new ClientGoneError()));
    req.once('close', () => {
      if (!req.complete) reject(new ClientGoneError());
    });
  });
}
