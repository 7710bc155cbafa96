// The router's own HTTP face for machines without Envoy: a node:http request handler for
// /mcp that hands each request to the RouterCore and carries out its decision — answer
// now, proxy to the broker, or send to one upstream and stream the answer back chunk by
// chunk (an SSE stream is never collected: a progress notification reaches the client
// before the result). It owns the HTTP mechanics only; every routing rule is the core's.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, serializeSseEvent } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import type { BrokerProxy } from '../broker/broker-proxy';
import type { RouterMetrics } from '../metrics/router-metrics';
import { CallDeadline } from '../outbound/call-deadline';
import { findJsonRpcAnswer } from '../outbound/json-rpc-answer';
import { readSmallBody, sendOutboundRequest } from '../outbound/outbound-request';
import type { AnswerStream } from '../outbound/upstream-answer';
import type { BrokerForward, ImmediateAnswer, InboundRequest, UpstreamForward } from '../routing/route-decision';
import type { RouterCore } from '../routing/router-core';
import type { EraBridges } from '../stateless/era-bridges';
import { upstreamFailure } from '../upstream/upstream-failure';
import { BODY_TOO_LARGE, ClientGoneError, readRequestBody } from './request-body-reader';
import { EarlyServerMessages } from './early-server-messages';
import { relayedHead, withoutContentLength } from './relayed-head';
import { relayResponse } from './response-relay';
import type { RelayOutcome, SseEventRewriter } from './response-relay';
import { canRelayWhole, relayWholeAnswer } from './whole-answer-relay';

export interface StandaloneHttpFaceOptions {
  readonly core: RouterCore;
  readonly broker: BrokerProxy;
  readonly maxRequestBodyBytes: number;
  /** Bound on one upstream or broker call (long: a person may be answering an elicitation). */
  readonly upstreamRequestMs: number;
  readonly logger: Logger;
  readonly metrics: RouterMetrics;
  /** Runs routed calls whose client and upstream speak different protocol eras. */
  readonly eraBridges?: EraBridges;
}

/** Largest JSON answer the router reads whole to rewrite (resources/read results). */
const MAX_REWRITTEN_ANSWER_BYTES = 64 * 1024 * 1024;

/** "No session": 404, or a 400 whose body says the session is unknown (some servers). */
async function upstreamLostSession(response: AnswerStream): Promise<{ lost: boolean; body?: Buffer }> {
  if (response.statusCode === 404) {
    response.resume();
    return { lost: true };
  }
  if (response.statusCode === 400) {
    const body = await readSmallBody(response, 64 * 1024);
    return { lost: /session/i.test(body.toString('utf8')), body };
  }
  return { lost: false };
}

export class StandaloneHttpFace {
  constructor(private readonly options: StandaloneHttpFaceOptions) {}

  /** The request handler for /mcp. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    this.serve(req, res).catch((error: unknown) => {
      if (error instanceof ClientGoneError) {
        res.destroy();
        return;
      }
      this.options.logger.error({ err: error }, 'unexpected error in the HTTP face');
      if (!res.headersSent) this.answer(res, this.options.core.errorAnswer(error, null));
      else res.destroy();
    });

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { core } = this.options;
    const head = { httpMethod: req.method ?? 'GET', authority: req.headers.host, headers: req.headers };
    const refused = core.screen(head);
    if (refused) {
      this.options.metrics.decision('answer');
      this.answer(res, refused);
      return;
    }
    let body: Buffer | undefined;
    if (head.httpMethod === 'POST') {
      const read = await readRequestBody(req, this.options.maxRequestBodyBytes);
      if (read === BODY_TOO_LARGE) {
        this.options.metrics.decision('answer');
        this.refuseOversizedBody(req, res);
        return;
      }
      body = read;
    }
    const request: InboundRequest = { httpMethod: head.httpMethod, authority: head.authority, headers: head.headers, body };
    const decision = await core.decide(request, true);
    this.options.metrics.decision(decision.kind);
    switch (decision.kind) {
      case 'answer':
        this.answer(res, decision);
        return;
      case 'broker':
        await this.forwardToBroker(request, res, decision);
        return;
      case 'upstream':
        await this.forwardToUpstream(res, decision);
        return;
    }
  }

  private answer(res: ServerResponse, answer: ImmediateAnswer): void {
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  /** 413 and close the connection: the rest of the body is not read into memory. */
  private refuseOversizedBody(req: IncomingMessage, res: ServerResponse): void {
    const error = new GatewayError('PAYLOAD_TOO_LARGE', `Payload Too Large: the body exceeds ${this.options.maxRequestBodyBytes} bytes`);
    const answer = this.options.core.errorAnswer(error, null);
    res.shouldKeepAlive = false;
    res.writeHead(answer.status, { ...answer.headers, connection: 'close', 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
    // Give the client a moment to read the answer, then stop receiving what it still sends.
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 500).unref());
  }

  private async forwardToUpstream(res: ServerResponse, decision: UpstreamForward): Promise<void> {
    const { core } = this.options;
    if (decision.eraBridge && this.options.eraBridges) return this.options.eraBridges.run(res, decision);
    let call = decision;
    const deadline = new CallDeadline(this.options.upstreamRequestMs);
    const onClientGone = (): void => {
      if (!res.writableFinished) deadline.abort('client disconnected');
    };
    res.once('close', onClientGone);
    const early = new EarlyServerMessages(res, core);
    // Hot path: a call that cannot be asked anything has no GET stream to open and no
    // early messages to wait for, and a 200 cannot mean a lost session — no await for those.
    let listened = call.listenForServerRequests === true;
    let askedTheClient = false;
    try {
      let response = await this.sendCall(call, deadline, early);
      let buffered: Buffer | undefined;
      if (call.renewable && (response.statusCode === 404 || response.statusCode === 400)) {
        const check = await upstreamLostSession(response);
        buffered = check.body;
        if (check.lost) {
          // MCP "Session Management": a 404 means the upstream ended the session. The client
          // never sees it: the core drops the mapping, a fresh session is opened, one retry.
          this.options.metrics.upstreamSessionRenewed(call.serverName);
          if (listened) await early.stop();
          call = await core.renewUpstreamSession(call);
          buffered = undefined;
          listened ||= call.listenForServerRequests === true;
          response = await this.sendCall(call, deadline, early);
        }
      }
      if (listened) await early.stop();
      if (early.started) {
        // The router already opened the client's SSE answer for the upstream's requests.
        askedTheClient = (await this.continueOpenedStream(res, response, call, deadline, buffered)) || early.askedTheClient;
        return;
      }
      const status = response.statusCode ?? 502;
      const head = relayedHead(response, call.gatewaySessionId);
      const { isEventStream } = head;
      if (!buffered && !isEventStream && call.resultUriPrefix !== undefined && status === 200) {
        // A resources/read answer in one JSON body: read it whole to give its URIs the prefix.
        buffered = await readSmallBody(response, MAX_REWRITTEN_ANSWER_BYTES);
        const rewritten = core.rewriteUpstreamAnswer(call, buffered);
        if (rewritten !== undefined) buffered = Buffer.from(rewritten);
        res.writeHead(200, [...withoutContentLength(head.lines), 'content-length', String(buffered.length)]);
        res.end(buffered);
        return;
      }
      if (buffered) {
        res.writeHead(status, head.lines);
        res.end(buffered);
        return;
      }
      let outcome: RelayOutcome;
      if (canRelayWhole(isEventStream, head.contentLength)) {
        // A JSON answer of known length (nearly every call): collected and written at once.
        outcome = await relayWholeAnswer(response, res, status, head.lines);
      } else {
        const rewriter = isEventStream ? this.eventRewriter(call) : undefined;
        // Rewritten events change the length: an upstream that sized its SSE answer is relayed chunked.
        res.writeHead(status, rewriter ? withoutContentLength(head.lines) : head.lines);
        outcome = await relayResponse(response, res, rewriter, rewriter ? core.serverMessagesDuring(call) : undefined);
      }
      askedTheClient = outcome.rewroteEvents;
      if (outcome.kind === 'upstream-broke') {
        // Timed out or dropped mid-stream: close an SSE stream with the JSON-RPC error the
        // client is waiting for, when no event was cut in half; otherwise cut the connection.
        if (isEventStream && outcome.atEventBoundary && call.requestId !== null && !res.destroyed) {
          this.endWithErrorEvent(res, call, upstreamFailure(call.serverName, outcome.error, deadline));
        } else {
          res.destroy();
        }
      }
    } catch (error) {
      await early.stop().catch(() => undefined);
      askedTheClient ||= early.askedTheClient;
      const failure = upstreamFailure(call.serverName, error, deadline);
      if (!res.headersSent) {
        if (failure.server === call.serverName) this.options.metrics.upstreamFailed(call.serverName, failure.code);
        if (!res.destroyed) this.answer(res, core.errorAnswer(failure, call.requestId));
      } else if (early.started && call.requestId !== null && !res.destroyed && !res.writableEnded) {
        this.endWithErrorEvent(res, call, failure);
      } else {
        res.destroy();
      }
    } finally {
      deadline.dispose();
      res.off('close', onClientGone);
      core.upstreamCallFinished(call, askedTheClient);
    }
  }

  /** Opens the GET stream the call may need, listens to it, then sends the call. */
  private sendCall(call: UpstreamForward, deadline: CallDeadline, early: EarlyServerMessages): Promise<AnswerStream> {
    if (!call.listenForServerRequests) return postToUpstream(call, deadline);
    return this.sendListeningCall(call, deadline, early);
  }

  private async sendListeningCall(call: UpstreamForward, deadline: CallDeadline, early: EarlyServerMessages): Promise<AnswerStream> {
    const { core } = this.options;
    await core.prepareUpstreamCall(call);
    early.listen(call, core.serverMessagesDuring(call));
    return postToUpstream(call, deadline);
  }

  private eventRewriter(call: UpstreamForward): SseEventRewriter | undefined {
    if (call.requestId === null) return undefined;
    const { core } = this.options;
    return { mayRewrite: (data) => core.mayRewriteUpstreamEvent(call, data), rewrite: (data) => core.rewriteUpstreamEvent(call, data) };
  }

  /**
   * The client's SSE answer is already open (EarlyServerMessages): the upstream's own
   * answer follows on it — its events as they come, a JSON body as one event, a refusal as
   * a JSON-RPC error event. Returns whether the client was asked something meanwhile.
   */
  private async continueOpenedStream(
    res: ServerResponse,
    response: AnswerStream,
    call: UpstreamForward,
    deadline: CallDeadline,
    buffered: Buffer | undefined,
  ): Promise<boolean> {
    const { core } = this.options;
    const isEventStream = String(response.headers['content-type'] ?? '').includes('text/event-stream');
    if (response.statusCode === 200 && isEventStream && !buffered) {
      const outcome = await relayResponse(response, res, this.eventRewriter(call), core.serverMessagesDuring(call));
      if (outcome.kind === 'upstream-broke' && !res.destroyed) {
        if (outcome.atEventBoundary && call.requestId !== null) this.endWithErrorEvent(res, call, upstreamFailure(call.serverName, outcome.error, deadline));
        else res.destroy();
      }
      return outcome.rewroteEvents;
    }
    const body = buffered ?? (await readSmallBody(response, MAX_REWRITTEN_ANSWER_BYTES));
    const answer = findJsonRpcAnswer(body, isEventStream ? 'text/event-stream' : 'application/json');
    if (answer) {
      const text = JSON.stringify(answer);
      res.end(serializeSseEvent({ event: 'message', data: (call.resultUriPrefix !== undefined && core.rewriteUpstreamAnswer(call, Buffer.from(text))) || text }));
    } else if (call.requestId !== null) {
      this.endWithErrorEvent(res, call, upstreamFailure(call.serverName, new Error(`HTTP ${response.statusCode ?? 0}`), deadline));
    } else {
      res.end();
    }
    return false;
  }

  private endWithErrorEvent(res: ServerResponse, call: UpstreamForward, failure: GatewayError): void {
    this.options.metrics.upstreamFailed(call.serverName, failure.code);
    res.end(serializeSseEvent({ event: 'message', data: JSON.stringify(failure.toResponse(call.requestId)) }));
  }

  private async forwardToBroker(request: InboundRequest, res: ServerResponse, decision: BrokerForward): Promise<void> {
    const { core, broker } = this.options;
    // A GET stream lasts as long as the client keeps it; everything else is bounded.
    const deadline = new CallDeadline(decision.longLived ? 0 : this.options.upstreamRequestMs);
    const onClientGone = (): void => {
      if (!res.writableFinished) deadline.abort('client disconnected');
    };
    res.once('close', onClientGone);
    try {
      const method = request.httpMethod as 'POST' | 'GET' | 'DELETE';
      const response = await broker.send(method, request.headers, request.body, deadline);
      const status = response.statusCode ?? 502;
      if (decision.initialize) {
        const body = await readSmallBody(response);
        await core.recordInitializedSession(decision.initialize, status, response.headers, body);
        res.writeHead(status, [...withoutContentLength(relayedHead(response, undefined).lines), 'content-length', String(body.length)]);
        res.end(body);
        return;
      }
      const head = relayedHead(response, undefined);
      if (!decision.longLived && canRelayWhole(head.isEventStream, head.contentLength)) {
        // Lists, ping, 202s: answers of known length, relayed with one write.
        const outcome = await relayWholeAnswer(response, res, status, head.lines);
        if (outcome.kind === 'upstream-broke') res.destroy();
        return;
      }
      res.writeHead(status, head.lines);
      // Headers first: a client waiting on a quiet GET stream knows it is open.
      res.flushHeaders();
      // The client's GET stream also carries what upstream sessions send it outside any call
      // (server-requests/unclaimed-server-messages.ts), injected between the broker's events.
      const fromUpstreams = decision.longLived && response.statusCode === 200 ? core.clientStreamMessages(request.headers) : undefined;
      const outcome = await relayResponse(response, res, fromUpstreams ? EVENTS_UNCHANGED : undefined, fromUpstreams);
      if (outcome.kind === 'upstream-broke') res.destroy();
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (!res.destroyed) {
        if (error instanceof GatewayError) this.answer(res, core.errorAnswer(error, decision.requestId));
        else if (decision.whenBrokerUnreachable) this.answer(res, decision.whenBrokerUnreachable);
        else this.answer(res, core.errorAnswer(brokerFailure(error, deadline), decision.requestId));
      }
    } finally {
      deadline.dispose();
      res.off('close', onClientGone);
    }
  }
}

/** The broker's events pass as they are (the injected ones are final already). */
const EVENTS_UNCHANGED: SseEventRewriter = { mayRewrite: () => false, rewrite: async () => undefined };

/** A routed call goes over the router's own connections to a plain-HTTP upstream (the hot
 * path), else through the endpoint's agent. */
function postToUpstream(call: UpstreamForward, deadline: CallDeadline): Promise<AnswerStream> {
  const request = { method: 'POST', headers: call.headers, body: call.body, deadline } as const;
  const { connections } = call.endpoint;
  return connections ? connections.send(request) : sendOutboundRequest(call.endpoint.url, call.endpoint.agent, request);
}

function brokerFailure(error: unknown, deadline: CallDeadline): GatewayError {
  const failure = upstreamFailure('broker', error, deadline);
  return new GatewayError(failure.code, failure.message.replace('upstream server "broker"', 'the gateway broker'), { server: 'broker', cause: error });
}
