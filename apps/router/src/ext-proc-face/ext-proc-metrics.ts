// Metrics of the ext_proc face (beside RouterMetrics, which counts decisions, renewals and
// upstream failures for both faces). Names are part of the external surface. Labels are
// bounded: the phase of a message, never a header or a session.

import { Counter, Gauge, Registry } from 'prom-client';

export const EXT_PROC_METRIC_NAMES = Object.freeze({
  messages: 'mcp_gateway_router_ext_proc_messages_total',
  streams: 'mcp_gateway_router_ext_proc_streams',
  lateAnswers: 'mcp_gateway_router_ext_proc_late_answers_total',
});

export type ExtProcPhase = 'request_headers' | 'request_body' | 'response_headers' | 'response_body' | 'request_trailers' | 'response_trailers';

export class ExtProcMetrics {
  private readonly byPhase: Record<ExtProcPhase, { inc(): void }>;
  private readonly open: Gauge;
  private readonly late: Counter;

  constructor(registry: Registry = new Registry()) {
    const messages = new Counter({
      name: EXT_PROC_METRIC_NAMES.messages,
      help: 'ext_proc messages Envoy sent to this router, by processing phase.',
      labelNames: ['phase'],
      registers: [registry],
    });
    this.byPhase = {
      request_headers: messages.labels('request_headers'),
      request_body: messages.labels('request_body'),
      response_headers: messages.labels('response_headers'),
      response_body: messages.labels('response_body'),
      request_trailers: messages.labels('request_trailers'),
      response_trailers: messages.labels('response_trailers'),
    };
    this.open = new Gauge({
      name: EXT_PROC_METRIC_NAMES.streams,
      help: 'ext_proc Process streams open now (one per HTTP request Envoy is processing).',
      registers: [registry],
    });
    this.late = new Counter({
      name: EXT_PROC_METRIC_NAMES.lateAnswers,
      help: 'Messages the router could not answer within its message budget (answered with a 504 instead).',
      registers: [registry],
    });
  }

  message(phase: ExtProcPhase): void {
    this.byPhase[phase].inc();
  }

  streamOpened(): void {
    this.open.inc();
  }

  streamClosed(): void {
    this.open.dec();
  }

  lateAnswer(): void {
    this.late.inc();
  }
}
