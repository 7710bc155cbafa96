import { describe, it, expect } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { startTelemetry } from './index';

describe('startTelemetry without an OTLP endpoint', () => {
  it('starts nothing, keeps the no-op tracer, and shuts down at once', async () => {
    const telemetry = startTelemetry({ serviceName: 'mcp-router', env: {} });
    expect(telemetry.enabled).toBe(false);
    await telemetry.ready;
    const span = trace.getTracer('test').startSpan('work');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('0'.repeat(32));
    span.end();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });

  it('treats an empty endpoint as unset and honours OTEL_SDK_DISABLED', () => {
    expect(startTelemetry({ serviceName: 's', env: { OTEL_EXPORTER_OTLP_ENDPOINT: '' } }).enabled).toBe(false);
    expect(startTelemetry({ serviceName: 's', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' } }).enabled).toBe(false);
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => startTelemetry({ serviceName: 's', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' } })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, e.g. http://otel-collector:4318',
    );
  });
});
