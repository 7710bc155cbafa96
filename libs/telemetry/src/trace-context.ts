import { context, defaultTextMapSetter } from '@opentelemetry/api';
import type { Context, TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// W3C Trace Context (https://www.w3.org/TR/trace-context/) across the gateway's hops:
// client → router → upstream, router → broker. The propagator is used directly rather than
// through the global API so that propagation works even when no SDK is started (no OTLP
// endpoint configured): a client's `traceparent` still reaches the upstream unchanged in
// trace id.

const propagator = new W3CTraceContextPropagator();

type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Reads headers case-insensitively: Node lower-cases incoming names, hand-built records may not. */
const headerGetter: TextMapGetter<IncomingHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const exact = carrier[key];
    if (exact !== undefined) return exact;
    const wanted = key.toLowerCase();
    for (const [name, value] of Object.entries(carrier)) if (name.toLowerCase() === wanted) return value;
    return undefined;
  },
};

/** Writes `traceparent` (and `tracestate`) for `from` — by default the active context —
 * into `headers`. Writes nothing when the context holds no valid span context. */
export function injectTraceContext(headers: Record<string, string>, from: Context = context.active()): void {
  propagator.inject(from, headers, defaultTextMapSetter);
}

/** The context described by incoming `traceparent`/`tracestate` headers, on top of `base`
 * (default: the active context). Malformed headers are ignored, as the spec requires. */
export function extractTraceContext(headers: IncomingHeaders, base: Context = context.active()): Context {
  return propagator.extract(base, headers, headerGetter);
}
