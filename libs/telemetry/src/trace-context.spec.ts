import { describe, it, expect } from '@jest/globals';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext } from './index';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('W3C trace context', () => {
  it('extracts an incoming traceparent and injects the same trace into outgoing headers', () => {
    const incoming = { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: 'vendor=abc' };
    const extracted = extractTraceContext(incoming);
    expect(trace.getSpanContext(extracted)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });

    const outgoing: Record<string, string> = {};
    injectTraceContext(outgoing, extracted);
    expect(outgoing.traceparent).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(outgoing.tracestate).toBe('vendor=abc');
    expect(trace.getSpanContext(extractTraceContext(outgoing))?.traceId).toBe(TRACE_ID);
  });

  it('round-trips a locally created span context', () => {
    const local = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.NONE });
    const headers: Record<string, string> = {};
    injectTraceContext(headers, local);
    expect(headers).toEqual({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-00` });
    expect(trace.getSpanContext(extractTraceContext(headers))?.traceId).toBe(TRACE_ID);
  });

  it('finds the header whatever its case, as hand-built header records may spell it', () => {
    expect(trace.getSpanContext(extractTraceContext({ Traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }))?.traceId).toBe(TRACE_ID);
  });

  it('ignores a malformed traceparent and injects nothing without a span context', () => {
    expect(trace.getSpanContext(extractTraceContext({ traceparent: '00-not-a-trace-01' }))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }))).toBeUndefined();
    const headers: Record<string, string> = {};
    injectTraceContext(headers);
    expect(headers).toEqual({});
  });
});
