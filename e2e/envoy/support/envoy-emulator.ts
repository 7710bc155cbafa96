// An Envoy stand-in for tests (no Envoy binary runs here, INFRA.md): an HTTP/1.1 listener
// whose requests go through the ext_proc filter the way Envoy's does, then to the backend
// that the (possibly mutated) `:authority` selects, like Envoy's route table.
//
// Faithful where a processor can go wrong (INFRA.md, the ext_proc paragraph; Envoy ~1.31):
// - phases per processing mode: request headers, request body (BUFFERED: whole, once;
//   STREAMED: piece by piece), response headers, response body (NONE / STREAMED /
//   BUFFERED); one stream per request; one answer per message, within message_timeout
//   (default 200 ms), else 504 (or carry on unprocessed with failure_mode_allow);
// - header mutations through HeaderMutationRules (raw_value only, routing headers only
//   with allow_all_routing, `append` BoolValue); header mutations of a body answer only in
//   BUFFERED mode; body mutations; a mutated BUFFERED body under a content-length that
//   does not match → 500; STREAMED bodies lose content-length;
// - clear_route_cache: honoured only beside a header_mutation, in the request direction —
//   otherwise the route chosen from the original headers stands;
// - immediate_response: local reply, text/plain unless the mutation sets a content type;
//   after the answer has started, the downstream stream is reset instead;
// - an answer of the wrong kind for the phase: the processor is not consulted again and
//   the message passes unmodified; the processor closing the stream cleanly: the same;
//   a gRPC error: 500 (or carry on with failure_mode_allow);
// - mode_override: only in answer to a headers message, only with allow_mode_override,
//   replacing the whole mode.
// No route for the authority → 404; backend unreachable → 503, as Envoy answers.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyHeaderMutation, EmulatedHeaderMap, type MutationRules } from './header-mutation-rules';
import { externalProcessorClient, httpStatusOf, type WireCommonResponse, type WireImmediateResponse, type WirePhase, type WireProcessingMode, type WireProcessingRequest } from './ext-proc-wire';
import { ProcessorStream } from './processor-stream';

export interface EnvoyRoute {
  /** `host:port`, `host`, or `*`; matched against the request's `:authority` (exact, then
   * without port). */
  readonly authority: string;
  /** Exact `:path` (without query) this route needs, if any. */
  readonly path?: string;
  /** Headers that must be present with exactly these values (Gateway API header matches). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Origin to forward to, e.g. http://127.0.0.1:9101. */
  readonly backend: string;
  /** Host sent to the backend instead of `:authority` (Gateway API URLRewrite hostname). */
  readonly hostRewrite?: string;
}

export interface EnvoyEmulatorOptions {
  /** host:port of the external processor (the router's ext_proc port). */
  readonly processorAddress: string;
  readonly routes: readonly EnvoyRoute[];
  /** Backend for every other authority (a `*` virtual host); none → 404. */
  readonly defaultBackend?: string;
  readonly processingMode?: Partial<WireProcessingMode>;
  /** Envoy's default is 200 ms. */
  readonly messageTimeoutMs?: number;
  readonly failureModeAllow?: boolean;
  readonly allowModeOverride?: boolean;
  readonly mutationRules?: MutationRules;
  /** Largest body buffered for the processor (Envoy: the connection buffer limit). */
  readonly bufferLimitBytes?: number;
}

export interface EnvoyEmulatorStats {
  streams: number;
  messages: Record<WirePhase, number>;
  immediateResponses: number;
  rejectedHeaderMutations: number;
  routeCacheClears: number;
  ignoredRouteCacheClears: number;
  modeOverrides: number;
  ignoredModeOverrides: number;
  messageTimeouts: number;
  spuriousMessages: number;
  contentLengthMismatches: number;
  /** Backend each forwarded request went to, in order (origin + path). */
  forwarded: string[];
  /** The same, with the HTTP method. */
  forwardedRequests: Array<{ method: string; target: string }>;
}

const DEFAULT_MODE: WireProcessingMode = {
  request_header_mode: 'SEND',
  response_header_mode: 'SEND',
  request_body_mode: 'NONE',
  response_body_mode: 'NONE',
  request_trailer_mode: 'SKIP',
  response_trailer_mode: 'SKIP',
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

type Verdict =
  | { readonly kind: 'continue'; readonly common?: WireCommonResponse | null }
  | { readonly kind: 'immediate'; readonly response: WireImmediateResponse }
  | { readonly kind: 'fail'; readonly status: number; readonly details: string };

class LocalReply extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`local reply ${status}`);
  }
}

function freshStats(): EnvoyEmulatorStats {
  return {
    streams: 0,
    messages: { request_headers: 0, request_body: 0, response_headers: 0, response_body: 0 },
    immediateResponses: 0,
    rejectedHeaderMutations: 0,
    routeCacheClears: 0,
    ignoredRouteCacheClears: 0,
    modeOverrides: 0,
    ignoredModeOverrides: 0,
    messageTimeouts: 0,
    spuriousMessages: 0,
    contentLengthMismatches: 0,
    forwarded: [],
    forwardedRequests: [],
  };
}

function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new LocalReply(413, 'Payload Too Large'));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** The state of one request through the filter. */
class FilterRun {
  mode: WireProcessingMode;
  active = true;
  private stream: ProcessorStream | undefined;

  constructor(
    private readonly emulator: EnvoyEmulator,
    private readonly options: EnvoyEmulatorOptions,
  ) {
    this.mode = { ...DEFAULT_MODE, ...options.processingMode };
  }

  private processor(): ProcessorStream {
    if (!this.stream) {
      this.emulator.counters.streams += 1;
      this.stream = new ProcessorStream(this.emulator.client);
    }
    return this.stream;
  }

  async consult(phase: WirePhase, message: WireProcessingRequest): Promise<Verdict> {
    if (!this.active) return { kind: 'continue' };
    const counters = this.emulator.counters;
    counters.messages[phase] += 1;
    const outcome = await this.processor().exchange(message, this.options.messageTimeoutMs ?? 200);
    switch (outcome.kind) {
      case 'timeout':
        counters.messageTimeouts += 1;
        return this.giveUp({ kind: 'fail', status: 504, details: 'ext_proc_error_per-message_timeout_exceeded' });
      case 'error':
        return this.giveUp({ kind: 'fail', status: 500, details: `ext_proc_error_gRPC_error: ${outcome.message}` });
      case 'closed':
        this.active = false;
        return { kind: 'continue' };
      case 'answer': {
        const response = outcome.response;
        if (response.response === 'immediate_response' && response.immediate_response) {
          counters.immediateResponses += 1;
          this.active = false;
          this.stream?.cancel();
          return { kind: 'immediate', response: response.immediate_response };
        }
        if (response.response !== phase) {
          // Envoy: "spurious response message" — ignore it and the processor from now on.
          counters.spuriousMessages += 1;
          this.active = false;
          this.stream?.cancel();
          return { kind: 'continue' };
        }
        if (response.mode_override) {
          if ((phase === 'request_headers' || phase === 'response_headers') && this.options.allowModeOverride) {
            counters.modeOverrides += 1;
            this.mode = response.mode_override;
          } else {
            counters.ignoredModeOverrides += 1;
          }
        }
        const member = response[phase];
        return { kind: 'continue', common: member?.response ?? null };
      }
    }
  }

  private giveUp(failure: Verdict & { kind: 'fail' }): Verdict {
    this.active = false;
    this.stream?.cancel();
    return this.options.failureModeAllow ? { kind: 'continue' } : failure;
  }

  /** Processing is over for this request. */
  finish(): void {
    this.stream?.end();
  }

  abort(): void {
    this.stream?.cancel();
  }
}

export class EnvoyEmulator {
  readonly counters: EnvoyEmulatorStats = freshStats();
  readonly client: ReturnType<typeof externalProcessorClient>;
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true });
  private boundPort = 0;

  private constructor(private readonly options: EnvoyEmulatorOptions) {
    this.client = externalProcessorClient(options.processorAddress);
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('emulator failure');
        } else {
          res.destroy();
        }
      });
    });
  }

  static async start(options: EnvoyEmulatorOptions): Promise<EnvoyEmulator> {
    const emulator = new EnvoyEmulator(options);
    await new Promise<void>((resolve) => emulator.server.listen(0, '127.0.0.1', resolve));
    emulator.boundPort = (emulator.server.address() as AddressInfo).port;
    return emulator;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The gateway's MCP endpoint as clients reach it through this Envoy. */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}/mcp`;
  }

  stats(): EnvoyEmulatorStats {
    return structuredClone(this.counters);
  }

  resetStats(): void {
    Object.assign(this.counters, freshStats());
  }

  /** Envoy's route table: the virtual host by authority (exact, host without port, `*`),
   * then the first route of it whose path and header matches hold. */
  private route(headers: EmulatedHeaderMap): { backend: string; hostRewrite?: string } | undefined {
    const authority = headers.get(':authority') ?? '';
    const host = authority.replace(/:\d+$/, '');
    const path = (headers.get(':path') ?? '/').split('?')[0];
    const matches = (route: EnvoyRoute): boolean =>
      (route.path === undefined || route.path === path) && Object.entries(route.headers ?? {}).every(([name, value]) => headers.get(name) === value);
    for (const domain of [authority, host, '*']) {
      const found = this.options.routes.find((route) => route.authority === domain && matches(route));
      if (found) return found;
    }
    return this.options.defaultBackend === undefined ? undefined : { backend: this.options.defaultBackend };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const run = new FilterRun(this, this.options);
    res.once('close', () => {
      if (!res.writableFinished) run.abort();
    });
    try {
      await this.process(req, res, run);
    } catch (error) {
      if (error instanceof LocalReply) this.localReply(res, error.status, error.body, error.headers);
      else throw error;
    } finally {
      run.finish();
    }
  }

  private localReply(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    if (res.headersSent) {
      // The answer has started: Envoy resets the stream.
      res.destroy();
      return;
    }
    const payload = Buffer.from(body, 'utf8');
    res.writeHead(status, { ...(payload.length > 0 ? { 'content-type': 'text/plain' } : {}), ...headers, 'content-length': payload.length });
    res.end(payload);
  }

  private immediate(res: http.ServerResponse, response: WireImmediateResponse): void {
    const status = httpStatusOf(response.status?.code ?? '') ?? 0;
    if (status < 200 || status > 599) throw new LocalReply(500, 'ext_proc_error_invalid_immediate_response');
    const headers = new EmulatedHeaderMap();
    if (response.body.length > 0) headers.set('content-type', 'text/plain');
    const outcome = applyHeaderMutation(headers, response.headers, this.options.mutationRules ?? {});
    this.counters.rejectedHeaderMutations += outcome.rejected;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { ...headers.regular(), 'content-length': response.body.length });
    res.end(response.body);
  }

  /** Applies one answer's mutations; returns the body to use from now on. */
  private applyCommon(
    run: FilterRun,
    direction: 'request' | 'response',
    headers: EmulatedHeaderMap,
    common: WireCommonResponse | null | undefined,
    body: Buffer | undefined,
    headersMayChange: boolean,
  ): { body: Buffer | undefined; clearRoute: boolean } {
    if (!common) return { body, clearRoute: false };
    const rules = this.options.mutationRules ?? {};
    if (common.header_mutation && headersMayChange) {
      const outcome = applyHeaderMutation(headers, common.header_mutation, rules);
      this.counters.rejectedHeaderMutations += outcome.rejected;
      if (outcome.failRequest) throw new LocalReply(500, 'ext_proc_error_header_mutation_rejected');
    }
    let next = body;
    if (common.body_mutation) {
      next = common.body_mutation.mutation === 'clear_body' ? Buffer.alloc(0) : (common.body_mutation.body ?? Buffer.alloc(0));
      const declared = headers.get('content-length');
      if (declared !== undefined && Number(declared) !== next.length && run.mode[`${direction}_body_mode`] === 'BUFFERED') {
        this.counters.contentLengthMismatches += 1;
        throw new LocalReply(500, 'mismatch between content length and the length of the mutated body');
      }
    }
    let clearRoute = false;
    if (common.clear_route_cache) {
      if (direction === 'request' && common.header_mutation) clearRoute = true;
      else this.counters.ignoredRouteCacheClears += 1;
    }
    return { body: next, clearRoute };
  }

  private async process(req: http.IncomingMessage, res: http.ServerResponse, run: FilterRun): Promise<void> {
    const headers = new EmulatedHeaderMap([
      [':authority', req.headers.host ?? ''],
      [':path', req.url ?? '/'],
      [':method', req.method ?? 'GET'],
      [':scheme', 'http'],
    ]);
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] ?? '').toLowerCase();
      if (!HOP_BY_HOP.has(name)) headers.add(name, req.rawHeaders[i + 1] ?? '');
    }
    headers.set('x-forwarded-proto', 'http');
    headers.set('x-request-id', randomUUID());
    const declaredLength = req.headers['content-length'];
    const hasBody = declaredLength !== undefined ? Number(declaredLength) > 0 : req.headers['transfer-encoding'] !== undefined;
    // The route is chosen from the headers as they arrive and cached.
    let backend = this.route(headers);

    // ---- request headers
    let body: Buffer | undefined;
    let bodyReplaced = false;
    if (run.mode.request_header_mode !== 'SKIP') {
      const verdict = await run.consult('request_headers', { request_headers: { headers: { headers: headers.wire() }, end_of_stream: !hasBody } });
      if (verdict.kind === 'immediate') return this.immediate(res, verdict.response);
      if (verdict.kind === 'fail') throw new LocalReply(verdict.status, verdict.details);
      const applied = this.applyCommon(run, 'request', headers, verdict.common, undefined, true);
      if (applied.clearRoute) {
        this.counters.routeCacheClears += 1;
        backend = this.route(headers);
      }
      if (verdict.common?.status === 'CONTINUE_AND_REPLACE') {
        run.active = false;
        body = applied.body ?? Buffer.alloc(0);
        bodyReplaced = true;
      }
    }

    // ---- request body
    const limit = this.options.bufferLimitBytes ?? 1024 * 1024;
    if (!bodyReplaced && hasBody) {
      if (run.active && run.mode.request_body_mode === 'BUFFERED') {
        body = await readAll(req, limit);
        const verdict = await run.consult('request_body', { request_body: { body, end_of_stream: true } });
        if (verdict.kind === 'immediate') return this.immediate(res, verdict.response);
        if (verdict.kind === 'fail') throw new LocalReply(verdict.status, verdict.details);
        const applied = this.applyCommon(run, 'request', headers, verdict.common, body, true);
        body = applied.body;
        if (applied.clearRoute) {
          this.counters.routeCacheClears += 1;
          backend = this.route(headers);
        }
      } else if (run.active && run.mode.request_body_mode === 'STREAMED') {
        headers.remove('content-length');
        const pieces: Buffer[] = [];
        for await (const chunk of req) {
          const verdict = await run.consult('request_body', { request_body: { body: chunk as Buffer, end_of_stream: false } });
          if (verdict.kind === 'immediate') return this.immediate(res, verdict.response);
          if (verdict.kind === 'fail') throw new LocalReply(verdict.status, verdict.details);
          pieces.push(this.applyCommon(run, 'request', headers, verdict.common, chunk as Buffer, false).body ?? Buffer.alloc(0));
        }
        const last = await run.consult('request_body', { request_body: { body: Buffer.alloc(0), end_of_stream: true } });
        if (last.kind === 'immediate') return this.immediate(res, last.response);
        if (last.kind === 'fail') throw new LocalReply(last.status, last.details);
        pieces.push(this.applyCommon(run, 'request', headers, last.common, Buffer.alloc(0), false).body ?? Buffer.alloc(0));
        body = Buffer.concat(pieces);
      } else {
        body = await readAll(req, Number.MAX_SAFE_INTEGER);
      }
    } else if (!bodyReplaced) {
      req.resume();
    }

    // ---- upstream
    if (backend === undefined) throw new LocalReply(404, '');
    const target = new URL(backend.backend);
    const path = headers.get(':path') ?? '/';
    this.counters.forwarded.push(`${target.origin}${path}`);
    this.counters.forwardedRequests.push({ method: headers.get(':method') ?? 'GET', target: `${target.origin}${path}` });
    const upstreamHeaders = headers.regular();
    upstreamHeaders['host'] = backend.hostRewrite ?? headers.get(':authority') ?? target.host;
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const outgoing = http.request({
        hostname: target.hostname,
        port: target.port,
        path,
        method: headers.get(':method') ?? 'GET',
        headers: upstreamHeaders,
        agent: this.agent,
      });
      outgoing.once('response', resolve);
      outgoing.once('error', () => reject(new LocalReply(503, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure')));
      res.once('close', () => {
        if (!res.writableFinished) outgoing.destroy();
      });
      outgoing.end(body);
    });

    // ---- response headers
    const status = response.statusCode ?? 502;
    const responseHeaders = new EmulatedHeaderMap([[':status', String(status)]]);
    for (let i = 0; i < response.rawHeaders.length; i += 2) {
      const name = (response.rawHeaders[i] ?? '').toLowerCase();
      if (!HOP_BY_HOP.has(name)) responseHeaders.add(name, response.rawHeaders[i + 1] ?? '');
    }
    const responseLength = response.headers['content-length'];
    const responseHasBody = !(status === 204 || status === 304 || responseLength === '0');
    if (run.active && run.mode.response_header_mode !== 'SKIP') {
      const verdict = await run.consult('response_headers', { response_headers: { headers: { headers: responseHeaders.wire() }, end_of_stream: !responseHasBody } });
      if (verdict.kind === 'immediate') {
        response.destroy();
        return this.immediate(res, verdict.response);
      }
      if (verdict.kind === 'fail') {
        response.destroy();
        throw new LocalReply(verdict.status, verdict.details);
      }
      this.applyCommon(run, 'response', responseHeaders, verdict.common, undefined, true);
    }
    const finalStatus = Number(responseHeaders.get(':status') ?? status);

    // ---- response body
    const bodyMode = run.active && responseHasBody ? run.mode.response_body_mode : 'NONE';
    if (bodyMode === 'BUFFERED') {
      let whole = await readAll(response, this.options.bufferLimitBytes ?? 1024 * 1024).catch((error: unknown) => {
        if (error instanceof LocalReply) throw new LocalReply(500, 'response payload too large');
        throw error;
      });
      const verdict = await run.consult('response_body', { response_body: { body: whole, end_of_stream: true } });
      if (verdict.kind === 'immediate') return this.immediate(res, verdict.response);
      if (verdict.kind === 'fail') throw new LocalReply(verdict.status, verdict.details);
      whole = this.applyCommon(run, 'response', responseHeaders, verdict.common, whole, true).body ?? whole;
      const out = responseHeaders.regular();
      if (out['content-length'] === undefined) out['content-length'] = String(whole.length);
      res.writeHead(finalStatus, out);
      res.end(whole);
      return;
    }
    if (bodyMode === 'STREAMED') {
      responseHeaders.remove('content-length');
      res.writeHead(finalStatus, responseHeaders.regular());
      res.flushHeaders();
      const pieces = response[Symbol.asyncIterator]();
      for (;;) {
        const next = await pieces.next();
        if (next.done) break;
        const chunk = next.value as Buffer;
        if (!run.active) {
          // The processor is out of the picture: the rest passes unmodified.
          res.write(chunk);
          continue;
        }
        const verdict = await run.consult('response_body', { response_body: { body: chunk, end_of_stream: false } });
        if (verdict.kind === 'immediate') {
          response.destroy();
          return this.immediate(res, verdict.response);
        }
        if (verdict.kind === 'fail') {
          response.destroy();
          res.destroy();
          return;
        }
        const piece = this.applyCommon(run, 'response', responseHeaders, verdict.common, chunk, false).body;
        if (piece && piece.length > 0) res.write(piece);
      }
      if (run.active) {
        const verdict = await run.consult('response_body', { response_body: { body: Buffer.alloc(0), end_of_stream: true } });
        if (verdict.kind === 'immediate') return this.immediate(res, verdict.response);
        if (verdict.kind === 'fail') {
          res.destroy();
          return;
        }
        const piece = this.applyCommon(run, 'response', responseHeaders, verdict.common, Buffer.alloc(0), false).body;
        if (piece && piece.length > 0) res.write(piece);
      }
      res.end();
      return;
    }
    res.writeHead(finalStatus, responseHeaders.regular());
    res.flushHeaders();
    response.pipe(res);
    await new Promise<void>((resolve) => {
      res.once('close', resolve);
      response.once('error', () => {
        res.destroy();
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
    this.client.close();
  }
}
