// The Envoy emulator itself: it must refuse what Envoy refuses, or the two-face suite would
// pass a processor that a real Envoy rejects. Each case plays a scripted processor (a real
// grpc-js server speaking Envoy's proto) against the emulator, with a real HTTP backend
// that records what reached it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { EnvoyEmulator, type EnvoyEmulatorOptions } from './support/envoy-emulator';
import { externalProcessorService } from './support/ext-proc-wire';

interface Received {
  authority: string | undefined;
  path: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
  backend: 'main' | 'other';
}

type Answer = Record<string, unknown> | 'silence' | 'close';
/** Given the phase Envoy sent (`request_headers`, …), what the processor answers. */
type Script = (phase: string, message: Record<string, unknown>) => Answer;

let script: Script = (phase) => ({ [phase]: {} });
const received: Received[] = [];
let processor: grpc.Server;
let processorPort: number;
let main: http.Server;
let other: http.Server;
let mainOrigin: string;
let otherOrigin: string;
let otherAuthority: string;
/** What the backends answer; default a small JSON body. */
let backendAnswer: (res: http.ServerResponse) => void = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};
let emulator: EnvoyEmulator | undefined;

function backend(name: 'main' | 'other'): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ authority: req.headers.host, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), backend: name });
      backendAnswer(res);
    });
  });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function header(key: string, value: string): Record<string, unknown> {
  return { header: { key, raw_value: Buffer.from(value) } };
}

beforeAll(async () => {
  processor = new grpc.Server();
  processor.addService(externalProcessorService(), {
    Process: (stream: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>) => {
      stream.on('data', (message: Record<string, unknown>) => {
        const phase = message['request'] as string;
        const answer = script(phase, message);
        if (answer === 'silence') return;
        if (answer === 'close') {
          stream.end();
          return;
        }
        stream.write(answer);
      });
      stream.on('end', () => stream.end());
      stream.on('error', () => undefined);
    },
  });
  processorPort = await new Promise<number>((resolve, reject) =>
    processor.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
  main = backend('main');
  other = backend('other');
  mainOrigin = await listen(main);
  otherOrigin = await listen(other);
  otherAuthority = new URL(otherOrigin).host;
});

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  received.length = 0;
  script = (phase) => ({ [phase]: {} });
  backendAnswer = (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
});

afterAll(async () => {
  processor.forceShutdown();
  await new Promise<void>((resolve) => main.close(() => resolve()));
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

async function startEmulator(options: Partial<EnvoyEmulatorOptions> = {}): Promise<EnvoyEmulator> {
  emulator = await EnvoyEmulator.start({
    processorAddress: `127.0.0.1:${processorPort}`,
    routes: [{ authority: otherAuthority, backend: otherOrigin }],
    defaultBackend: mainOrigin,
    processingMode: { request_body_mode: 'BUFFERED' },
    messageTimeoutMs: 1_000,
    ...options,
  });
  return emulator;
}

async function post(target: EnvoyEmulator, body = '{"jsonrpc":"2.0","id":1,"method":"ping"}', headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const routeToOther = (withHeaderMutation: boolean, clear: boolean): Script => (phase) =>
  phase === 'request_body'
    ? { request_body: { response: { ...(withHeaderMutation ? { header_mutation: { set_headers: [header(':authority', otherAuthority)] } } : {}), clear_route_cache: clear } } }
    : { [phase]: {} };

describe('Envoy emulator: header mutations', () => {
  it('routes by a changed :authority only with allow_all_routing and a cleared route cache', async () => {
    script = routeToOther(true, true);
    await post(await startEmulator({ mutationRules: { allowAllRouting: true } }));
    expect(received.at(-1)).toMatchObject({ backend: 'other', authority: otherAuthority });
  });

  it('drops an :authority change without allow_all_routing and counts it as rejected', async () => {
    script = routeToOther(true, true);
    const target = await startEmulator();
    await post(target);
    expect(received.at(-1)?.backend).toBe('main');
    expect(received.at(-1)?.authority).toBe(`127.0.0.1:${target.port}`);
    expect(target.stats().rejectedHeaderMutations).toBe(1);
  });

  it('keeps the route chosen from the original headers when clear_route_cache is not set', async () => {
    script = routeToOther(true, false);
    await post(await startEmulator({ mutationRules: { allowAllRouting: true } }));
    // The header changed, the route did not: the request reaches the original backend.
    expect(received.at(-1)).toMatchObject({ backend: 'main', authority: otherAuthority });
  });

  it('ignores clear_route_cache in an answer without a header mutation', async () => {
    script = (phase) => (phase === 'request_headers' ? { request_headers: { response: { header_mutation: { set_headers: [header(':authority', otherAuthority)] } } } } : phase === 'request_body' ? { request_body: { response: { clear_route_cache: true } } } : { [phase]: {} });
    const target = await startEmulator({ mutationRules: { allowAllRouting: true } });
    await post(target);
    expect(received.at(-1)?.backend).toBe('main');
    expect(target.stats().ignoredRouteCacheClears).toBe(1);
  });

  it('reads header values from raw_value only: a value-only mutation sets an empty header', async () => {
    script = (phase) => (phase === 'request_body' ? { request_body: { response: { header_mutation: { set_headers: [{ header: { key: 'x-policy', value: 'from-value' } }, header('x-raw', 'from-raw')] } } } } : { [phase]: {} });
    await post(await startEmulator());
    expect(received.at(-1)?.headers['x-raw']).toBe('from-raw');
    expect(received.at(-1)?.headers['x-policy']).toBe('');
  });

  it('replaces a header unless append is true', async () => {
    script = (phase) =>
      phase === 'request_headers'
        ? { request_headers: { response: { header_mutation: { set_headers: [header('x-one', 'replaced'), { ...header('x-two', 'added'), append: { value: true } }] } } } }
        : { [phase]: {} };
    await post(await startEmulator(), undefined, { 'x-one': 'original', 'x-two': 'original' });
    expect(received.at(-1)?.headers['x-one']).toBe('replaced');
    expect(received.at(-1)?.headers['x-two']).toBe('original, added');
  });
});

describe('Envoy emulator: bodies', () => {
  it('answers 500 when a BUFFERED body is changed under a stale content-length', async () => {
    script = (phase) => (phase === 'request_body' ? { request_body: { response: { body_mutation: { body: Buffer.from('{"changed":true}') } } } } : { [phase]: {} });
    const target = await startEmulator();
    const answer = await post(target);
    expect(answer.status).toBe(500);
    expect(received).toHaveLength(0);
    expect(target.stats().contentLengthMismatches).toBe(1);
  });

  it('forwards a changed BUFFERED body when the processor fixes content-length', async () => {
    const changed = '{"changed":true}';
    script = (phase) =>
      phase === 'request_body'
        ? { request_body: { response: { header_mutation: { set_headers: [header('content-length', String(changed.length))] }, body_mutation: { body: Buffer.from(changed) } } } }
        : { [phase]: {} };
    expect((await post(await startEmulator())).status).toBe(200);
    expect(received.at(-1)?.body).toBe(changed);
  });

  it('offers a STREAMED response chunk by chunk, without content-length, and sends what the processor put in place', async () => {
    backendAnswer = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': '24' });
      res.write('data: one\n\n');
      setTimeout(() => res.end('data: two\n\n\n\n'), 20);
    };
    const offered: string[] = [];
    script = (phase, message) => {
      if (phase !== 'response_body') return { [phase]: {} };
      const chunk = (message['response_body'] as { body: Buffer }).body.toString('utf8');
      offered.push(chunk);
      return { response_body: { response: { body_mutation: { body: Buffer.from(chunk.toUpperCase()) }, header_mutation: { set_headers: [header('x-ignored', 'yes')] } } } };
    };
    const answer = await post(await startEmulator({ processingMode: { request_body_mode: 'BUFFERED', response_body_mode: 'STREAMED' } }));
    expect(answer.text).toBe('DATA: ONE\n\nDATA: TWO\n\n\n\n');
    expect(answer.headers.get('content-length')).toBeNull();
    // Header mutations in a STREAMED body answer are not applied.
    expect(answer.headers.get('x-ignored')).toBeNull();
    expect(offered.length).toBeGreaterThanOrEqual(2);
  });
});

describe('Envoy emulator: immediate responses, errors and timeouts', () => {
  it('sends an immediate response as text/plain unless the processor sets the content type', async () => {
    script = (phase) => (phase === 'request_headers' ? { immediate_response: { status: { code: 404 }, body: Buffer.from('{"error":1}') } } : { [phase]: {} });
    const plain = await post(await startEmulator());
    expect(plain.status).toBe(404);
    expect(plain.headers.get('content-type')).toBe('text/plain');
    await emulator?.close();
    script = (phase) =>
      phase === 'request_headers'
        ? { immediate_response: { status: { code: 404 }, headers: { set_headers: [header('content-type', 'application/json')] }, body: Buffer.from('{"error":1}') } }
        : { [phase]: {} };
    const json = await post(await startEmulator());
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.text).toBe('{"error":1}');
    expect(received).toHaveLength(0);
  });

  it('stops consulting a processor that answers with the wrong kind of message and passes the request unmodified', async () => {
    script = (phase) =>
      phase === 'request_headers'
        ? { request_body: { response: { header_mutation: { set_headers: [header('x-should-not', 'apply')] } } } }
        : { [phase]: { response: { header_mutation: { set_headers: [header('x-later', 'apply')] } } } };
    const target = await startEmulator();
    expect((await post(target)).status).toBe(200);
    expect(received.at(-1)?.headers['x-should-not']).toBeUndefined();
    expect(received.at(-1)?.headers['x-later']).toBeUndefined();
    expect(target.stats().spuriousMessages).toBe(1);
    expect(target.stats().messages.request_body).toBe(0);
  });

  it('fails the request with 504 when the processor does not answer within message_timeout', async () => {
    script = (phase) => (phase === 'request_body' ? 'silence' : { [phase]: {} });
    const target = await startEmulator({ messageTimeoutMs: 100 });
    expect((await post(target)).status).toBe(504);
    expect(received).toHaveLength(0);
    expect(target.stats().messageTimeouts).toBe(1);
  });

  it('carries on unprocessed after a timeout with failure_mode_allow', async () => {
    script = (phase) => (phase === 'request_body' ? 'silence' : { [phase]: {} });
    const target = await startEmulator({ messageTimeoutMs: 100, failureModeAllow: true });
    expect((await post(target)).status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('passes the request on unmodified when the processor closes the stream cleanly', async () => {
    script = (phase) => (phase === 'request_headers' ? 'close' : { [phase]: {} });
    expect((await post(await startEmulator())).status).toBe(200);
    expect(received).toHaveLength(1);
  });
});

describe('Envoy emulator: mode_override', () => {
  const skipResponseBody: Script = (phase) =>
    phase === 'response_headers'
      ? {
          response_headers: {},
          mode_override: { request_header_mode: 'SEND', response_header_mode: 'SEND', request_body_mode: 'BUFFERED', response_body_mode: 'NONE', request_trailer_mode: 'SKIP', response_trailer_mode: 'SKIP' },
        }
      : { [phase]: {} };

  it('ignores a mode override unless allow_mode_override is set', async () => {
    script = skipResponseBody;
    const target = await startEmulator({ processingMode: { request_body_mode: 'BUFFERED', response_body_mode: 'STREAMED' } });
    await post(target);
    expect(target.stats().ignoredModeOverrides).toBe(1);
    expect(target.stats().messages.response_body).toBeGreaterThan(0);
  });

  it('replaces the whole processing mode with allow_mode_override', async () => {
    script = skipResponseBody;
    const target = await startEmulator({ allowModeOverride: true, processingMode: { request_body_mode: 'BUFFERED', response_body_mode: 'STREAMED' } });
    expect((await post(target)).text).toBe('{"ok":true}');
    expect(target.stats().modeOverrides).toBe(1);
    expect(target.stats().messages.response_body).toBe(0);
  });

  it('ignores a mode override sent with a body answer', async () => {
    script = (phase) => (phase === 'request_body' ? { request_body: {}, mode_override: { response_header_mode: 'SKIP' } } : { [phase]: {} });
    const target = await startEmulator({ allowModeOverride: true });
    await post(target);
    expect(target.stats().ignoredModeOverrides).toBe(1);
    expect(target.stats().messages.response_headers).toBe(1);
  });
});
