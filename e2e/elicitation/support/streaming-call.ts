// A routed call over plain HTTP whose SSE answer is read as it arrives, so a test can see the
// upstream's question mid-call, answer it with a request of its own choosing (to a chosen
// router, or as the next request through a balancer), and then read the call's result.
import { MCP_ACCEPT } from '../../gateway/support/raw-mcp-exchange';

export type JsonRpcMessage = Record<string, unknown>;

export interface StreamingCall {
  /** The HTTP status of the call's answer. */
  readonly status: number;
  /** Resolves with the next message (in arrival order) that matches. */
  next(matches: (message: JsonRpcMessage) => boolean, timeoutMs?: number): Promise<JsonRpcMessage>;
  /** Stops reading (the connection is dropped). */
  abort(): void;
}

export async function startStreamingCall(url: string, sessionId: string, body: JsonRpcMessage): Promise<StreamingCall> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { accept: MCP_ACCEPT, 'content-type': 'application/json', 'mcp-session-id': sessionId },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const arrived: JsonRpcMessage[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        arrived.push(JSON.parse(await response.text()) as JsonRpcMessage);
        return;
      }
      for await (const chunk of response.body ?? []) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let boundary: number;
        while ((boundary = buffer.search(/\r?\n\r?\n/)) !== -1) {
          const event = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
          const data = event
            .split(/\r?\n/)
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).replace(/^ /, ''))
            .join('\n');
          if (data.trim() !== '') arrived.push(JSON.parse(data) as JsonRpcMessage);
          wake();
        }
      }
    } catch {
      // Aborted or cut: waiters learn it below.
    } finally {
      ended = true;
      wake();
    }
  })();
  let cursor = 0;
  return {
    status: response.status,
    abort: () => controller.abort(),
    next: (matches, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${timeoutMs} ms; received: ${JSON.stringify(arrived)}`));
        }, timeoutMs);
        function check(): void {
          while (cursor < arrived.length) {
            const message = arrived[cursor] as JsonRpcMessage;
            cursor += 1;
            if (matches(message)) {
              clearTimeout(timer);
              waiters.delete(check);
              resolve(message);
              return;
            }
          }
          if (ended) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`the answer stream ended; received: ${JSON.stringify(arrived)}`));
          }
        }
        waiters.add(check);
        check();
      }),
  };
}
