// A stateless-era client (MCP 2026-07-28) calling a session-era upstream: the upstream may
// ask the client something mid-call (`elicitation/create`, `sampling/createMessage`,
// `roots/list` on the call's SSE stream, MCP 2025-11-25), which a 2026-07-28 client cannot
// receive. The bridge turns it into what that client understands ("Multi Round-Trip
// Requests"): the call is answered with an InputRequiredResult carrying the upstream's
// requests as `inputRequests` and a `requestState` that names the exchange; the upstream's
// call stays open, parked; when the client retries with `inputResponses` (on any replica),
// the answers are POSTed to the upstream session and the parked call's next outcome — the
// result, or the next question — answers the retry.
//
// Where the state lives: the replica that made the call keeps reading the upstream stream
// and posts every outcome to the exchange's mailbox; the exchange record (upstream session,
// pending requests, what was called) is saved in the InputExchangeStore, which is Redis when
// replicas share one. Both expire with `exchangeTtlMs`; a parked call no one resumes is cut
// then. The requestState is `mcpgw1.<random id>`: unguessable, bound on resume to the same
// method and target, and taken atomically so one exchange goes on once (spec "Server
// Requirements": treat it as attacker-controlled, bind it to the originating request).
//
// Never logs payloads.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, isNotification, isRequest, isResponse, JsonRpcErrorCode, errorResponse, McpMethod } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import { CallDeadline } from '../outbound/call-deadline';
import { readSmallBody, sendOutboundRequest } from '../outbound/outbound-request';
import type { ImmediateAnswer, UpstreamForward } from '../routing/route-decision';
import { storeFailure } from '../session/session-gate';
import type { UpstreamEndpoint } from '../upstream/upstream-endpoints';
import { upstreamFailure } from '../upstream/upstream-failure';
import { CollectedAnswer, StreamingAnswer } from './client-answer-sink';
import type { ClientAnswerSink } from './client-answer-sink';
import type { StatelessClientPlan } from './era-bridge-plan';
import type { InputExchangeStore } from './input-exchange-store';
import { relayedCapabilities } from './pooled-upstream-sessions';
import type { PooledUpstreamSession, PooledUpstreamSessions, UpstreamSessionLease } from './pooled-upstream-sessions';
import { shapeAnswer } from './stateless-result';
import { UpstreamCallMessages } from './upstream-call-messages';
import { answerUpstreamRequest, lostSession, openSessionStream, sessionRequestHeaders } from './upstream-exchange';

export const REQUEST_STATE_PREFIX = 'mcpgw1.';

/** Whether a requestState is one this gateway issued (else it belongs to an upstream). */
export function isGatewayRequestState(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(REQUEST_STATE_PREFIX) && value.length < 100;
}

/** The client capability an upstream request needs (MCP "Client Features"). */
const CAPABILITY_FOR: Readonly<Record<string, string>> = {
  [McpMethod.ElicitationCreate]: 'elicitation',
  [McpMethod.SamplingCreateMessage]: 'sampling',
  [McpMethod.RootsList]: 'roots',
};

/** A call parked between rounds: what reads it, and what to cut or give back when it ends. */
interface ParkedCall {
  readonly deadline: CallDeadline;
  readonly streamDeadline: CallDeadline;
  readonly messages: UpstreamCallMessages;
  readonly lease: UpstreamSessionLease | undefined;
}

interface PendingInput {
  readonly key: string;
  readonly upstreamId: JsonRpcId;
  readonly method: string;
  readonly params: unknown;
}

/** The saved state of a parked exchange between rounds. */
interface ExchangeRecord {
  readonly v: 1;
  readonly serverName: string;
  readonly upstreamSessionId: string;
  readonly protocolVersion: string;
  readonly method: string;
  readonly target: string;
  readonly resultUriPrefix?: string;
  readonly pending: readonly PendingInput[];
}

/** What the parked call posts to the exchange's mailbox. */
type Outcome =
  | { readonly t: 'request'; readonly id: JsonRpcId; readonly method: string; readonly params?: unknown }
  | { readonly t: 'notification'; readonly message: JsonRpcMessage }
  | { readonly t: 'response'; readonly message: JsonRpcResponse }
  | { readonly t: 'broken'; readonly reason: string };

export interface SessionUpstreamBridgeOptions {
  readonly store: InputExchangeStore;
  readonly pooled: PooledUpstreamSessions;
  /** How long a parked call waits for the client's retry (and a round for its outcome). */
  readonly exchangeTtlMs: number;
  /** Bound on the small exchanges (answers POSTed upstream). */
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
}

export interface ResumedCall {
  readonly request: JsonRpcRequest;
  readonly target: string;
  readonly endpoint: UpstreamEndpoint;
}

export class SessionUpstreamBridge {
  /** Parked upstream calls of this process, cut on close(). */
  private readonly parked = new Set<ParkedCall>();

  constructor(private readonly options: SessionUpstreamBridgeOptions) {}

  /** Carries out the first round of a call (standalone face). */
  async run(res: ServerResponse, call: UpstreamForward, plan: StatelessClientPlan): Promise<void> {
    const requestId = call.requestId as JsonRpcId;
    const sink = new StreamingAnswer(res);
    const deadline = new CallDeadline(this.options.exchangeTtlMs);
    const streamDeadline = new CallDeadline(this.options.exchangeTtlMs);
    const onClientGone = (): void => {
      if (!res.writableFinished) deadline.abort('client disconnected');
    };
    res.once('close', onClientGone);
    let handedOver = false;
    let lease: UpstreamSessionLease | undefined;
    let messages: UpstreamCallMessages | undefined;
    try {
      const canBeAsked = Object.keys(relayedCapabilities(plan.clientCapabilities)).length > 0;
      let session: PooledUpstreamSession = plan.shared;
      let stream: IncomingMessage | undefined;
      const start = async (): Promise<IncomingMessage> => {
        if (canBeAsked) {
          lease = await this.options.pooled.lease(call.endpoint, plan.clientCapabilities);
          session = lease.session;
          // Open first: an upstream that asks on its GET stream must find someone there.
          stream = await openSessionStream(call.endpoint, session, streamDeadline);
        }
        return this.send(call, sessionRequestHeaders(call.endpoint, session, call.traceHeaders), deadline);
      };
      let response = await start();
      if (await lostSession(response)) {
        stream?.destroy();
        if (lease) lease.release(false);
        else session = await this.options.pooled.renewShared(call.endpoint, session);
        lease = undefined;
        response = await start();
      }
      const status = response.statusCode ?? 502;
      if (status !== 200) {
        // The upstream refused the call itself: its answer is relayed as it is.
        stream?.destroy();
        const body = await readSmallBody(response);
        if (!res.headersSent) res.writeHead(status, { 'content-type': String(response.headers['content-type'] ?? 'application/json'), 'content-length': body.length });
        res.end(body);
        return;
      }
      messages = new UpstreamCallMessages(response, stream);
      for (;;) {
        const event = await messages.next();
        if (event.kind === 'ended') {
          sink.finish(failureAnswer(requestId, upstreamFailure(call.serverName, new Error(event.reason))), 502);
          return;
        }
        const message = event.message;
        if (isResponse(message)) {
          if (message.id !== requestId) continue;
          sink.finish(shapeAnswer(message, { requestId, method: plan.method, statelessClient: true, ...prefixOf(call) }));
          return;
        }
        if (!isRequest(message)) {
          if (isNotification(message) && (message.method !== McpMethod.NotificationsMessage || plan.wantsLogs)) sink.send(message);
          continue;
        }
        if (!(await this.mayAskClient(call, session, plan, message))) continue;
        // The upstream asks the client: from here the call is parked and continues through
        // the exchange's mailbox, exactly as a retry on another replica would see it.
        const exchangeId = randomUUID();
        await this.post(exchangeId, { t: 'request', id: message.id, method: message.method, params: message.params });
        handedOver = true;
        const parked = { deadline, streamDeadline, messages, lease };
        this.parked.add(parked);
        void this.readParked(exchangeId, parked, call, session, plan);
        const record: ExchangeRecord = {
          v: 1,
          serverName: call.serverName,
          upstreamSessionId: session.sessionId,
          protocolVersion: session.protocolVersion,
          method: plan.method,
          target: plan.target,
          ...(call.resultUriPrefix !== undefined ? { resultUriPrefix: call.resultUriPrefix } : {}),
          pending: [],
        };
        await this.nextRound(exchangeId, record, requestId, sink, plan.wantsLogs);
        return;
      }
    } catch (error) {
      if (!sink.open) return;
      const failure = error instanceof GatewayError ? error : upstreamFailure(call.serverName, storeFailure(error), deadline);
      sink.finish(failureAnswer(requestId, failure), failure.httpStatus);
    } finally {
      res.off('close', onClientGone);
      if (!handedOver) {
        messages?.close();
        deadline.dispose();
        streamDeadline.abort('the call ended');
        streamDeadline.dispose();
        lease?.release(!deadline.aborted);
      }
    }
  }

  /**
   * A retry carrying this gateway's requestState (any face, any replica): the client's
   * answers go to the upstream, and the parked call's next outcome is the answer.
   */
  async resume(call: ResumedCall): Promise<ImmediateAnswer> {
    const { request, target, endpoint } = call;
    const params = request.params as Record<string, unknown>;
    const token = params['requestState'] as string;
    const exchangeId = token.slice(REQUEST_STATE_PREFIX.length);
    const sink = new CollectedAnswer();
    try {
      const saved = await this.options.store.take(exchangeId);
      if (saved === undefined) return invalidState(request.id, 'the exchange it names is unknown or expired');
      const record = JSON.parse(saved) as ExchangeRecord;
      if (record.method !== request.method || record.target !== target) {
        await this.save(exchangeId, record);
        return invalidState(request.id, 'it belongs to another request');
      }
      const responses = isObject(params['inputResponses']) ? params['inputResponses'] : {};
      const missing = record.pending.filter((input) => !(input.key in responses));
      if (missing.length > 0) {
        // Spec "Error Handling": ask again for what is still missing rather than fail.
        await this.save(exchangeId, record);
        sink.finish(inputRequired(request.id, exchangeId, missing));
        return sink.result();
      }
      const session = { sessionId: record.upstreamSessionId, protocolVersion: record.protocolVersion };
      for (const input of record.pending) {
        const answer: JsonRpcResponse = { jsonrpc: '2.0', id: input.upstreamId, result: responses[input.key] as Record<string, unknown> };
        await answerUpstreamRequest(record.serverName, endpoint, session, answer, this.options.connectTimeoutMs);
      }
      await this.nextRound(exchangeId, { ...record, pending: [] }, request.id, sink, false);
    } catch (error) {
      const failure = error instanceof GatewayError ? error : GatewayError.from(storeFailure(error));
      if (failure.code === 'INTERNAL') this.options.logger.error({ err: error }, 'resuming an input-required exchange failed');
      sink.finish(failureAnswer(request.id, failure), failure.httpStatus);
    }
    return sink.result();
  }

  /** Cuts every parked call of this process (router shutdown). */
  close(): void {
    for (const parked of this.parked) {
      parked.deadline.abort('the router is closing');
      parked.messages.close();
    }
    this.parked.clear();
  }

  /**
   * Waits for the parked call's next outcome and answers the client with it: the final
   * result, or an InputRequiredResult with every request the upstream has asked meanwhile.
   */
  private async nextRound(exchangeId: string, record: ExchangeRecord, requestId: JsonRpcId, sink: ClientAnswerSink, wantsLogs: boolean): Promise<void> {
    const mailbox = mailboxOf(exchangeId);
    const asked: PendingInput[] = [];
    let waitMs = this.options.exchangeTtlMs;
    for (;;) {
      const raw = await this.options.store.receive(mailbox, waitMs);
      if (raw === undefined) {
        if (asked.length > 0) break;
        const timeout = new GatewayError('UPSTREAM_TIMEOUT', `upstream server "${record.serverName}" did not answer within ${this.options.exchangeTtlMs} ms`, {
          server: record.serverName,
        });
        sink.finish(failureAnswer(requestId, timeout), timeout.httpStatus);
        return;
      }
      const outcome = JSON.parse(raw) as Outcome;
      switch (outcome.t) {
        case 'notification':
          if (wantsLogs || (outcome.message as { method?: string }).method !== McpMethod.NotificationsMessage) sink.send(outcome.message);
          continue;
        case 'request':
          asked.push({ key: `upstream-${String(outcome.id)}`, upstreamId: outcome.id, method: outcome.method, params: outcome.params });
          // Requests sent together are asked together: take what is already there, no waiting.
          waitMs = 0;
          continue;
        case 'response':
          // The upstream finished (even if it also asked something): the result wins.
          sink.finish(shapeAnswer(outcome.message, { requestId, method: record.method, statelessClient: true, ...(record.resultUriPrefix !== undefined ? { resultUriPrefix: record.resultUriPrefix } : {}) }));
          return;
        case 'broken': {
          const failure = new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${record.serverName}" is unavailable (${outcome.reason})`, { server: record.serverName });
          sink.finish(failureAnswer(requestId, failure), failure.httpStatus);
          return;
        }
      }
    }
    await this.save(exchangeId, { ...record, pending: asked });
    sink.finish(inputRequired(requestId, exchangeId, asked));
  }

  /** Reads the rest of a parked call's messages into the exchange's mailbox. */
  private async readParked(exchangeId: string, parked: ParkedCall, call: UpstreamForward, session: PooledUpstreamSession, plan: StatelessClientPlan): Promise<void> {
    let clean = false;
    try {
      for (;;) {
        const event = await parked.messages.next();
        if (event.kind === 'ended') {
          const reason = parked.deadline.timedOut ? 'no retry came in time' : event.reason;
          await this.post(exchangeId, { t: 'broken', reason });
          return;
        }
        const message = event.message;
        if (isResponse(message)) {
          if (message.id !== call.requestId) continue;
          await this.post(exchangeId, { t: 'response', message });
          clean = true;
          return;
        }
        if (isRequest(message)) {
          if (await this.mayAskClient(call, session, plan, message)) {
            await this.post(exchangeId, { t: 'request', id: message.id, method: message.method, params: message.params });
          }
        } else if (isNotification(message)) {
          await this.post(exchangeId, { t: 'notification', message });
        }
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.post(exchangeId, { t: 'broken', reason }).catch(() => undefined);
    } finally {
      this.parked.delete(parked);
      parked.messages.close();
      parked.deadline.dispose();
      parked.streamDeadline.abort('the call ended');
      parked.streamDeadline.dispose();
      parked.lease?.release(clean);
    }
  }

  /**
   * Whether a request the upstream sent may go to the client. `ping` is answered here; a
   * request for a capability the client did not declare gets -32601 (the pooled session was
   * opened with the client's capabilities, so a conforming upstream never sends one).
   */
  private async mayAskClient(
    call: UpstreamForward,
    session: PooledUpstreamSession,
    plan: StatelessClientPlan,
    request: JsonRpcRequest,
  ): Promise<boolean> {
    const capability = CAPABILITY_FOR[request.method];
    if (capability !== undefined && plan.clientCapabilities[capability] !== undefined) return true;
    const answer: JsonRpcResponse =
      request.method === McpMethod.Ping
        ? { jsonrpc: '2.0', id: request.id, result: {} }
        : errorResponse(request.id, JsonRpcErrorCode.MethodNotFound, `the client cannot answer ${request.method}`);
    await answerUpstreamRequest(call.serverName, call.endpoint, session, answer, this.options.connectTimeoutMs).catch((error: unknown) =>
      this.options.logger.debug({ err: error, server: call.serverName }, 'answering an upstream request on the client\'s behalf failed'),
    );
    return false;
  }

  private send(call: UpstreamForward, headers: UpstreamForward['headers'], deadline: CallDeadline): Promise<IncomingMessage> {
    return sendOutboundRequest(call.endpoint.url, call.endpoint.agent, { method: 'POST', headers, body: call.body, deadline });
  }

  private post(exchangeId: string, outcome: Outcome): Promise<void> {
    return this.options.store.post(mailboxOf(exchangeId), JSON.stringify(outcome), this.options.exchangeTtlMs);
  }

  private save(exchangeId: string, record: ExchangeRecord): Promise<void> {
    return this.options.store.save(exchangeId, JSON.stringify(record), this.options.exchangeTtlMs);
  }
}

function mailboxOf(exchangeId: string): string {
  return `outcome:${exchangeId}`;
}

function prefixOf(call: UpstreamForward): { resultUriPrefix?: string } {
  return call.resultUriPrefix !== undefined ? { resultUriPrefix: call.resultUriPrefix } : {};
}

/** MCP 2026-07-28 "InputRequiredResult": the upstream's requests, keyed, and our state. */
function inputRequired(requestId: JsonRpcId, exchangeId: string, inputs: readonly PendingInput[]): JsonRpcResponse {
  const inputRequests: Record<string, unknown> = {};
  for (const input of inputs) inputRequests[input.key] = { method: input.method, ...(input.params !== undefined ? { params: input.params } : {}) };
  return { jsonrpc: '2.0', id: requestId, result: { resultType: 'input_required', inputRequests, requestState: `${REQUEST_STATE_PREFIX}${exchangeId}` } };
}

function invalidState(requestId: JsonRpcId, why: string): ImmediateAnswer {
  const body = JSON.stringify(errorResponse(requestId, JsonRpcErrorCode.InvalidParams, `Invalid or expired requestState: ${why}`));
  return { kind: 'answer', status: 200, headers: { 'content-type': 'application/json' }, body };
}

function failureAnswer(requestId: JsonRpcId, failure: GatewayError): JsonRpcResponse {
  return failure.toResponse(requestId);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

