// Scenario 7: the router's Envoy face under load. A bounded grpc-js loop plays Envoy: for
// each request it opens one `Process` stream and sends what Envoy sends for a routed
// tools/call with the gateway's processing mode — request headers, the buffered request
// body, the upstream's response headers (a JSON answer, so the router switches the body
// off) — and waits for each answer. Nothing goes to the upstream: what is measured is the
// router's own work behind Envoy.
// - messages per second, and per router core (messages ÷ router CPU seconds);
// - added latency per request: the three answers' round trips summed, as Envoy would
//   hold the request for them (p50/p99), at 1 stream and at 16 concurrent streams.
// Every loop is bounded in time and in count, and talks to 127.0.0.1 only.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LatencyHistogram, type LatencySummary } from '../load/latency-histogram';
import { sampleProcess } from '../processes/process-stats';
import type { UpstreamProcess } from '../processes/upstream-process';
import { formatCount, formatMs, formatRate } from '../report/format';
import type { BenchContext } from './bench-context';
import { FAST_UPSTREAM_PREFIX } from './call-scenarios';
import type { ScenarioResults } from './scenario-results';

/** Messages Envoy exchanges with the router for one routed call whose answer is JSON. */
const MESSAGES_PER_REQUEST = 3;
const CONCURRENCY_LEVELS = [1, 16] as const;
/** Hard cap on requests per level, whatever the duration. */
const MAX_REQUESTS_PER_LEVEL = 2_000_000;

export interface ExtProcRun {
  readonly scenario: '7';
  readonly concurrentStreams: number;
  readonly requests: number;
  readonly errors: number;
  readonly durationMs: number;
  readonly messagesPerSecond: number;
  readonly routerCpuSeconds: number;
  /** Messages per second of router CPU: what one core of the router sustains. */
  readonly messagesPerRouterCoreSecond: number;
  /** Per request: the sum of the three answers' round trips. */
  readonly addedLatency: LatencySummary;
}

type Message = Record<string, unknown>;
type ProcessStream = grpc.ClientDuplexStream<Message, { response?: string }>;
type ExtProcClient = grpc.Client & { Process(options?: grpc.CallOptions): ProcessStream };

function extProcClient(address: string): ExtProcClient {
  const deps = path.join(path.dirname(createRequire(import.meta.url).resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  const definition = protoLoader.loadSync('envoy/service/ext_proc/v3/external_processor.proto', {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((folder) => path.join(deps, folder)),
  });
  const Client = grpc.makeGenericClientConstructor(definition['envoy.service.ext_proc.v3.ExternalProcessor'] as grpc.ServiceDefinition, 'ExternalProcessor');
  return new Client(address, grpc.credentials.createInsecure()) as unknown as ExtProcClient;
}

function headerMap(entries: Record<string, string>): Message {
  return { headers: Object.entries(entries).map(([key, value]) => ({ key, raw_value: Buffer.from(value) })) };
}

/** The three messages of one routed call, built once. */
function requestMessages(authority: string, sessionId: string): Message[] {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: `${FAST_UPSTREAM_PREFIX}echo`, arguments: { text: 'hello from the benchmark' } } }));
  return [
    {
      request_headers: {
        headers: headerMap({
          ':method': 'POST',
          ':path': '/mcp',
          ':authority': authority,
          ':scheme': 'http',
          accept: 'application/json, text/event-stream',
          'content-type': 'application/json',
          'content-length': String(body.length),
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-11-25',
        }),
        end_of_stream: false,
      },
    },
    { request_body: { body, end_of_stream: true } },
    { response_headers: { headers: headerMap({ ':status': '200', 'content-type': 'application/json' }), end_of_stream: false } },
  ];
}

/** One request: a stream, each message answered before the next goes; resolves with the
 * summed round trips in ms, or undefined when the router answered unexpectedly. */
function oneRequest(client: ExtProcClient, messages: readonly Message[], timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const stream = client.Process({ deadline: Date.now() + timeoutMs });
    let index = 0;
    let sentAt = 0;
    let total = 0;
    let done = false;
    const finish = (result: number | undefined): void => {
      if (done) return;
      done = true;
      stream.end();
      resolve(result);
    };
    const send = (): void => {
      sentAt = performance.now();
      stream.write(messages[index] as Message);
    };
    stream.on('data', (answer: { response?: string }) => {
      total += performance.now() - sentAt;
      // A routed call is never answered immediately here; anything else is an error.
      if (answer.response === 'immediate_response') return finish(undefined);
      index += 1;
      if (index < messages.length) send();
      else finish(total);
    });
    stream.on('error', () => finish(undefined));
    send();
  });
}

interface LoadOutcome {
  readonly requests: number;
  readonly errors: number;
  readonly durationMs: number;
  readonly histogram: LatencyHistogram;
}

async function closedLoop(client: ExtProcClient, messages: readonly Message[], concurrency: number, durationMs: number): Promise<LoadOutcome> {
  const histogram = new LatencyHistogram();
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && requests + errors < MAX_REQUESTS_PER_LEVEL) {
      const latency = await oneRequest(client, messages, 10_000);
      if (latency === undefined) errors += 1;
      else {
        requests += 1;
        histogram.recordMs(latency);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests, errors, durationMs: performance.now() - started, histogram };
}

/** A gateway session opened through the router's HTTP face (the ext_proc face shares its store). */
async function openSession(mcpUrl: string): Promise<string> {
  const post = (body: unknown, sessionId?: string): Promise<Response> =>
    fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  const initialized = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench-ext-proc', version: '1' } } });
  const sessionId = initialized.headers.get('mcp-session-id');
  await initialized.text();
  if (!sessionId) throw new Error(`initialize answered ${initialized.status} without a session id`);
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId)).text();
  return sessionId;
}

export async function runExtProcScenario(context: BenchContext, upstream: UpstreamProcess, results: ScenarioResults): Promise<void> {
  const { options } = context;
  const started = await context.gateways.start({
    label: 'gateway (ext_proc)',
    servers: [{ name: 'fast', url: upstream.url('/mcp'), prefix: FAST_UPSTREAM_PREFIX }],
    expectedToolCount: 10,
    extProc: true,
  });
  if (!started.ok) {
    results.skipped.push({ scenario: '7', label: 'ext_proc messages', reason: started.reason });
    context.log(`  [7] skipped: ${started.reason}`);
    return;
  }
  const { gateway } = started;
  const client = gateway.extProcAddress === undefined ? undefined : extProcClient(gateway.extProcAddress);
  try {
    if (!client) throw new Error('the router did not report an ext_proc port');
    const { endpoint } = gateway;
    const sessionId = await openSession(`http://${endpoint.host}:${endpoint.port}${endpoint.path}`);
    const messages = requestMessages(`${endpoint.host}:${endpoint.port}`, sessionId);
    const routerPid = gateway.watch.find((process) => process.role === 'router')?.pid;
    // Warm-up: opens the upstream session, fills the JIT; thrown away.
    await closedLoop(client, messages, 4, options.warmupMs);
    const durationMs = options.mode === 'quick' ? 2_000 : options.durationMs;
    for (const concurrency of CONCURRENCY_LEVELS) {
      const before = routerPid === undefined ? undefined : sampleProcess(routerPid);
      const outcome = await closedLoop(client, messages, concurrency, durationMs);
      const after = routerPid === undefined ? undefined : sampleProcess(routerPid);
      const routerCpuSeconds = before && after ? after.cpuSeconds - before.cpuSeconds : Number.NaN;
      const messagesSent = outcome.requests * MESSAGES_PER_REQUEST;
      const run: ExtProcRun = {
        scenario: '7',
        concurrentStreams: concurrency,
        requests: outcome.requests,
        errors: outcome.errors,
        durationMs: outcome.durationMs,
        messagesPerSecond: messagesSent / (outcome.durationMs / 1000),
        routerCpuSeconds,
        messagesPerRouterCoreSecond: routerCpuSeconds > 0 ? messagesSent / routerCpuSeconds : Number.NaN,
        addedLatency: outcome.histogram.summary(),
      };
      results.extProc.push(run);
      context.log(
        `  [7] ${concurrency} stream(s): ${formatRate(run.messagesPerSecond)} messages/s (${formatCount(outcome.requests)} calls, ${outcome.errors} errors), ` +
          `${formatRate(run.messagesPerRouterCoreSecond)} messages per router CPU-second, added latency p50 ${formatMs(run.addedLatency.p50Ms)} p99 ${formatMs(run.addedLatency.p99Ms)}`,
      );
    }
  } catch (error) {
    results.skipped.push({ scenario: '7', label: 'ext_proc messages', reason: (error as Error).message });
    context.log(`  [7] failed: ${(error as Error).message}`);
  } finally {
    client?.close();
    await started.close();
  }
}
