import { W3CTraceContextPropagator } from '@opentelemetry/core';

// Traces and metrics over OTLP/HTTP, started only when an OTLP endpoint is configured
// (OTEL_EXPORTER_OTLP_ENDPOINT, as the OpenTelemetry SDK environment spec names it).
// Without one nothing is loaded or started: the OpenTelemetry API's default no-op tracer
// and meter stay in place, so instrumented code costs next to nothing. The SDK is imported
// lazily for the same reason.

export interface TelemetryOptions {
  /** `service.name` of the exported telemetry (e.g. `mcp-router`). */
  serviceName: string;
  /** Where the OTEL_* variables are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  /** True when an OTLP endpoint is configured and the SDK is (being) started. */
  readonly enabled: boolean;
  /** Resolves when the SDK is registered (at once when disabled); spans started earlier are not exported. */
  readonly ready: Promise<void>;
  /** Flushes what is buffered and stops exporting. Safe to call more than once. */
  shutdown(): Promise<void>;
}

const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;

/** `base` + `/v1/traces` etc., per the OTLP exporter spec's rule for the base endpoint. */
function signalUrl(base: string, signalPath: string): string {
  return `${base.replace(/\/+$/, '')}/${signalPath}`;
}

function endpointFrom(env: NodeJS.ProcessEnv): string | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (endpoint === undefined || endpoint === '') return undefined;
  let protocol = '';
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    // handled below
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, e.g. http://otel-collector:4318');
  }
  return endpoint;
}

function exportIntervalFrom(env: NodeJS.ProcessEnv): number {
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return Number.isInteger(interval) && interval > 0 ? interval : DEFAULT_METRIC_EXPORT_INTERVAL_MS;
}

const DISABLED: Telemetry = Object.freeze({ enabled: false, ready: Promise.resolve(), shutdown: () => Promise.resolve() });

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const env = options.env ?? process.env;
  const endpoint = endpointFrom(env);
  if (endpoint === undefined || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return DISABLED;

  let sdk: { shutdown(): Promise<void> } | undefined;
  const ready = (async () => {
    const [{ NodeSDK }, { OTLPTraceExporter }, { OTLPMetricExporter }, { PeriodicExportingMetricReader }] = await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
      import('@opentelemetry/sdk-metrics'),
    ]);
    const started = new NodeSDK({
      serviceName: options.serviceName,
      traceExporter: new OTLPTraceExporter({ url: signalUrl(endpoint, 'v1/traces') }),
      metricReaders: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: signalUrl(endpoint, 'v1/metrics') }),
          exportIntervalMillis: exportIntervalFrom(env),
        }),
      ],
      // Logs go to stdout through pino; no OTLP log exporter.
      logRecordProcessors: [],
      textMapPropagator: new W3CTraceContextPropagator(),
      instrumentations: [],
    });
    started.start();
    sdk = started;
  })();

  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    ready,
    shutdown: () => {
      stopping ??= ready.then(() => sdk?.shutdown());
      return stopping;
    },
  };
}
