import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics, trace } from '@opentelemetry/api';
import { startTelemetry } from './index';

// Its own file: the SDK registers process-wide OpenTelemetry globals. The collector is a
// loopback HTTP server this test starts; nothing leaves the machine.

describe('startTelemetry with an OTLP endpoint', () => {
  let collector: Server;
  const received: Array<{ path: string; body: string }> = [];

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  });

  it('exports spans to <endpoint>/v1/traces and metrics to <endpoint>/v1/metrics with the service name', async () => {
    const { port } = collector.address() as AddressInfo;
    const telemetry = startTelemetry({ serviceName: 'mcp-broker-test', env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` } });
    expect(telemetry.enabled).toBe(true);
    await telemetry.ready;

    const span = trace.getTracer('test').startSpan('tools/call');
    expect(span.isRecording()).toBe(true);
    const traceId = span.spanContext().traceId;
    span.end();
    metrics.getMeter('test').createCounter('gateway_test_calls').add(1);

    await telemetry.shutdown(); // flushes both exporters
    const traces = received.filter((request) => request.path === '/v1/traces');
    const exportedMetrics = received.filter((request) => request.path === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(exportedMetrics.length).toBeGreaterThan(0);
    expect(traces.map((request) => request.body).join('')).toContain('mcp-broker-test');
    expect(exportedMetrics.map((request) => request.body).join('')).toContain('gateway_test_calls');
    expect(traces.map((request) => request.body).join('')).toContain(traceId);
  });
});
