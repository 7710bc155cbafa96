// A session-era client (MCP 2025) calling a stateless-era upstream (MCP 2026-07-28): the
// upstream asks for client input by answering with an InputRequiredResult ("Multi Round-Trip
// Requests"), which a 2025 client does not understand. The bridge asks the client the 2025
// way instead — each input request goes out as a server-to-client request
// (`elicitation/create`, …) on the call's own SSE stream — collects the answers, and
// re-sends the call upstream with `inputResponses` and the upstream's `requestState`, on a
// new request id (spec: the retry is an independent request), until the upstream completes.
// The client sees one call that asked it something, as with a 2025 upstream.
//
// The client's answers are POSTed to any replica: they carry an id of the form
// `mcpgw-ask.<exchange>.<round>.<n>`, and whichever replica receives one posts it to the
// exchange's mailbox (scoped to the client's gateway session, so no other session can answer
// for it) in the InputExchangeStore, where the replica holding the stream waits for it.
// Never logs payloads.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { GatewayError, isErrorResponse, isNotification, isResponse, JsonRpcErrorCode, McpMethod, errorResponse, parseJsonRpc, serializeJsonRpc } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcRequest, JsonRpcResponse } from '@mcp-gateway/jsonrpc';
import type { Logger } from '@mcp-gateway/telemetry';
import { CallDeadline } from '../outbound/call-deadline';
import { readSmallBody, sendOutboundRequest } from '../outbound/outbound-request';
import type { ImmediateAnswer, UpstreamForward } from '../routing/route-decision';
import { storeFailure } from '../session/session-gate';
import { upstreamFailure } from '../upstream/upstream-failure';
import { StreamingAnswer } from './client-answer-sink';
import type { SessionClientPlan } from './era-bridge-plan';
import type { InputExchangeStore } from './input-exchange-store';
import { shapeAnswer } from './stateless-result';
import { upstreamMessages } from './upstream-messages';

const ASK_ID = /^mcpgw-ask\.([0-9a-f-]{36})\.\d{1,4}\.\d{1,4}$/;

/** Rounds of input a call may go through before the gateway gives up on the upstream. */
const MAX_ROUNDS = 16;

const CAPABILITY_FOR: Readonly<Record<string, string>> = {
  [McpMethod.ElicitationCreate]: 'elicitation',
  [McpMethod.SamplingCreateMessage]: 'sampling',
  [McpMethod.RootsList]: 'roots',
};

export interface StatelessUpstreamBridgeOptions {
  readonly store: InputExchangeStore;
  /** Bound on the whole call, rounds of input included. */
  readonly callTimeoutMs: number;
  readonly logger: Logger;
}

/** What travels in the mailbox: the client's answer to one of our requests. */
interface ClientAnswer {
  readonly id: string;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly code: number; readonly message: string };
}

export class StatelessUpstreamBridge {
  constructor(private readonly options: StatelessUpstreamBridgeOptions) {}

  /** Whether a client's response answers a request this bridge sent (on any replica). */
  static ownsAnswer(id: JsonRpcId): boolean {
    return typeof id === 'string' && ASK_ID.test(id);
  }

  /** Hands a client's answer to the replica that asked (through the store); 202 for the client. */
  async deliver(gatewaySessionId: string, answer: JsonRpcResponse): Promise<ImmediateAnswer> {
    const id = answer.id as string;
    const exchangeId = (ASK_ID.exec(id) as RegExpExecArray)[1] as string;
    const message: ClientAnswer = isErrorResponse(answer)
      ? { id, error: { code: answer.error.code, message: answer.error.message } }
      : { id, result: answer.result };
    try {
      await this.options.store.post(mailboxOf(gatewaySessionId, exchangeId), JSON.stringify(message), this.options.callTimeoutMs);
    } catch (error) {
      const failure = GatewayError.from(storeFailure(error));
      return { kind: 'answer', status: failure.httpStatus, headers: { 'content-type': 'application/json' }, body: JSON.stringify(failure.toResponse(null)) };
    }
    return { kind: 'answer', status: 202, headers: {}, body: '' };
  }

  async run(res: ServerResponse, call: UpstreamForward, plan: SessionClientPlan): Promise<void> {
    const requestId = call.requestId as JsonRpcId;
    const sink = new StreamingAnswer(res);
    const deadline = new CallDeadline(this.options.callTimeoutMs);
    const onClientGone = (): void => {
      if (!res.writableFinished) deadline.abort('client disconnected');
    };
    res.once('close', onClientGone);
    const exchangeId = randomUUID();
    let sent: JsonRpcRequest = plan.upstreamRequest;
    let body: string | Buffer | undefined = call.body;
    try {
      for (let round = 0; ; round++) {
        const response = await sendOutboundRequest(call.endpoint.url, call.endpoint.agent, { method: 'POST', headers: call.headers, body, deadline });
        const status = response.statusCode ?? 502;
        if (status !== 200) {
          const refused = await readSmallBody(response);
          // A 2026-07-28 upstream answers some JSON-RPC errors with 4xx (-32021, -32022,
          // -32601 …); a 2025-era client expects them in-band, with 200.
          const error = jsonRpcError(refused);
          if (error !== undefined) {
            sink.finish(shapeAnswer(error, { requestId, method: sent.method, statelessClient: false }));
            return;
          }
          if (!res.headersSent) {
            res.writeHead(status, { 'content-type': String(response.headers['content-type'] ?? 'application/json'), 'content-length': refused.length });
            res.end(refused);
          } else {
            sink.finish(failure(requestId, upstreamFailure(call.serverName, new Error(`a retried round got HTTP ${status}`))));
          }
          return;
        }
        let answer: JsonRpcResponse | undefined;
        for await (const message of upstreamMessages(response)) {
          if (isResponse(message)) {
            if (message.id === sent.id) answer = message;
          } else if (isNotification(message)) {
            sink.send(message);
          }
          // A stateless-era upstream sends no requests on the stream (spec "Receiving
          // Messages": it MUST NOT); one that does is ignored.
        }
        if (answer === undefined) {
          sink.finish(failure(requestId, upstreamFailure(call.serverName, new Error('the upstream ended its answer without a result'))), 502);
          return;
        }
        const result = isErrorResponse(answer) ? undefined : answer.result;
        if (result === undefined || result['resultType'] !== 'input_required') {
          sink.finish(shapeAnswer(answer, { requestId, method: sent.method, statelessClient: false, ...prefixOf(call) }));
          return;
        }
        if (round + 1 >= MAX_ROUNDS) {
          sink.finish(failure(requestId, new GatewayError('UPSTREAM_UNAVAILABLE', `upstream server "${call.serverName}" asked for input more than ${MAX_ROUNDS} times`, { server: call.serverName })));
          return;
        }
        const inputResponses = await this.askClient(plan, call, exchangeId, round, result, sink, deadline);
        if (inputResponses === undefined) return;
        sent = retryOf(plan.upstreamRequest, exchangeId, round, inputResponses, result['requestState']);
        body = serializeJsonRpc(sent);
      }
    } catch (error) {
      if (!sink.open) return;
      const cause = storeFailure(error);
      const reported = cause instanceof GatewayError ? cause : upstreamFailure(call.serverName, cause, deadline);
      sink.finish(failure(requestId, reported), reported.httpStatus);
    } finally {
      res.off('close', onClientGone);
      deadline.dispose();
    }
  }

  /**
   * Sends every input request to the client as a 2025-era request on the call's stream and
   * waits for all answers. Undefined when the call ended instead (the sink was answered).
   */
  private async askClient(
    plan: SessionClientPlan,
    call: UpstreamForward,
    exchangeId: string,
    round: number,
    result: Record<string, unknown>,
    sink: StreamingAnswer,
    deadline: CallDeadline,
  ): Promise<Record<string, unknown> | undefined> {
    const requestId = call.requestId as JsonRpcId;
    const inputRequests = isObject(result['inputRequests']) ? result['inputRequests'] : {};
    const keyById = new Map<string, string>();
    let index = 0;
    for (const [key, value] of Object.entries(inputRequests)) {
      const input = isObject(value) ? value : {};
      const method = typeof input['method'] === 'string' ? input['method'] : '';
      const capability = CAPABILITY_FOR[method];
      if (capability === undefined || plan.clientCapabilities[capability] === undefined) {
        // The upstream asked for something this client never declared (spec "Server
        // Requirements": it MUST NOT); the call cannot go on.
        sink.finish(errorResponse(requestId, JsonRpcErrorCode.MissingRequiredClientCapability, `upstream server "${call.serverName}" asked the client for ${method || 'an unknown request'}, which it did not declare`, {
          requiredCapabilities: capability === undefined ? {} : { [capability]: {} },
        }));
        return undefined;
      }
      const id = `mcpgw-ask.${exchangeId}.${round}.${index++}`;
      keyById.set(id, key);
      sink.send({ jsonrpc: '2.0', id, method, ...(input['params'] !== undefined ? { params: input['params'] as Record<string, unknown> } : {}) });
    }
    const responses: Record<string, unknown> = {};
    const mailbox = mailboxOf(call.gatewaySessionId, exchangeId);
    while (keyById.size > Object.keys(responses).length) {
      const raw = await this.options.store.receive(mailbox, this.options.callTimeoutMs, deadline.signal);
      if (raw === undefined) {
        if (!sink.open) return undefined;
        sink.finish(failure(requestId, new GatewayError('UPSTREAM_TIMEOUT', 'the client did not answer the upstream\'s request in time', { server: call.serverName })));
        return undefined;
      }
      const answer = JSON.parse(raw) as ClientAnswer;
      const key = keyById.get(answer.id);
      if (key === undefined) continue; // an answer to an earlier round, delivered twice
      if (answer.error !== undefined) {
        sink.finish(errorResponse(requestId, answer.error.code, `the client refused the upstream's request: ${answer.error.message}`));
        return undefined;
      }
      responses[key] = answer.result ?? {};
    }
    return responses;
  }
}

function mailboxOf(gatewaySessionId: string, exchangeId: string): string {
  return `ask:${gatewaySessionId}:${exchangeId}`;
}

/** The re-sent call: same method and params, the answers, the upstream's state, a new id. */
function retryOf(original: JsonRpcRequest, exchangeId: string, round: number, inputResponses: Record<string, unknown>, requestState: unknown): JsonRpcRequest {
  const params: Record<string, unknown> = { ...(original.params as Record<string, unknown>), inputResponses };
  if (typeof requestState === 'string') params['requestState'] = requestState;
  return { jsonrpc: '2.0', id: `mcpgw-retry.${exchangeId}.${round}`, method: original.method, params };
}

function prefixOf(call: UpstreamForward): { resultUriPrefix?: string } {
  return call.resultUriPrefix !== undefined ? { resultUriPrefix: call.resultUriPrefix } : {};
}

function failure(requestId: JsonRpcId, error: GatewayError): JsonRpcResponse {
  return error.toResponse(requestId);
}

function jsonRpcError(body: Buffer): JsonRpcResponse | undefined {
  const parsed = parseJsonRpc(body);
  return parsed.ok && parsed.kind === 'single' && isErrorResponse(parsed.message) ? parsed.message : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
