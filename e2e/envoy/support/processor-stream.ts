// One `Process` stream from the emulated Envoy to an external processor: one stream per
// HTTP request, one answer awaited per message sent, each within the filter's
// `message_timeout`. What can happen to a message is what Envoy distinguishes: an answer,
// the timeout, a stream error (non-OK status), or the processor closing the stream cleanly.

import type * as grpc from '@grpc/grpc-js';
import { externalProcessorClient, type WireProcessingRequest, type WireProcessingResponse } from './ext-proc-wire';

export type ProcessorOutcome =
  | { readonly kind: 'answer'; readonly response: WireProcessingResponse }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'closed' };

type Client = ReturnType<typeof externalProcessorClient>;

export class ProcessorStream {
  private readonly call: grpc.ClientDuplexStream<WireProcessingRequest, WireProcessingResponse>;
  private readonly inbox: WireProcessingResponse[] = [];
  private waiter: ((outcome: ProcessorOutcome) => void) | undefined;
  private ending: ProcessorOutcome | undefined;
  private cancelledByUs = false;

  constructor(client: Client) {
    this.call = client.Process();
    this.call.on('data', (response: WireProcessingResponse) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter({ kind: 'answer', response });
      else this.inbox.push(response);
    });
    this.call.on('error', (error: grpc.ServiceError) => {
      this.settle(this.cancelledByUs ? { kind: 'closed' } : { kind: 'error', message: error.details || error.message });
    });
    this.call.on('end', () => this.settle({ kind: 'closed' }));
  }

  private settle(outcome: ProcessorOutcome): void {
    this.ending ??= outcome;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(this.ending);
  }

  /** Sends one message and waits for its answer at most `timeoutMs`. */
  exchange(message: WireProcessingRequest, timeoutMs: number): Promise<ProcessorOutcome> {
    if (this.ending) return Promise.resolve(this.ending);
    this.call.write(message);
    const early = this.inbox.shift();
    if (early) return Promise.resolve({ kind: 'answer', response: early });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.waiter = (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
    });
  }

  /** Processing is over: half-close, as Envoy does once it needs nothing more. */
  end(): void {
    if (!this.ending) this.call.end();
  }

  /** Give up on the processor (timeout, spurious message, client gone). */
  cancel(): void {
    this.cancelledByUs = true;
    this.call.cancel();
  }
}
