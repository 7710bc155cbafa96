// Turns an HTTP body into a typed JSON-RPC message, or into the exact error response the
// gateway must send back. On the router's hot path: it parses once with JSON.parse, checks
// only the envelope fields (JSON-RPC 2.0 §4-§5 as narrowed by MCP's Base Protocol), and
// returns the parsed object itself, so params and results are never copied or re-walked.
// It must never throw, whatever the bytes.
import { errorResponse } from './error-response';
import { JsonRpcErrorCode } from './json-rpc-error-code';
import type { JsonRpcErrorResponse, JsonRpcId, JsonRpcMessage } from './json-rpc-message';

/**
 * What a body turned out to be. A batch (JSON array, JSON-RPC 2.0 §6) is recognised but not
 * judged: MCP 2025-03-26 allows batches, later versions do not, so the caller decides. The
 * valid members of a batch are in `messages`; each invalid member has its error response in
 * `errors` (JSON-RPC 2.0 §6: one Invalid Request response per bad member).
 */
export type ParseOutcome =
  | { ok: true; kind: 'single'; message: JsonRpcMessage }
  | { ok: true; kind: 'batch'; messages: JsonRpcMessage[]; errors: JsonRpcErrorResponse[] }
  | { ok: false; error: JsonRpcErrorResponse };

const BYTE_ORDER_MARK = 0xfeff;
// Throws on invalid UTF-8; keeps a BOM so strings and bytes are stripped in one place below.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseJsonRpc(body: Uint8Array | string): ParseOutcome {
  const text = decodeBody(body);
  if (text === undefined) {
    return { ok: false, error: errorResponse(null, JsonRpcErrorCode.ParseError, 'Parse error: body is not valid UTF-8 text') };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON-RPC 2.0 §5: the id cannot be known when the JSON itself is broken, so it is null.
    // The engine's message is not echoed: it quotes the input back.
    return { ok: false, error: errorResponse(null, JsonRpcErrorCode.ParseError, 'Parse error: body is not valid JSON') };
  }
  if (Array.isArray(value)) return parseBatch(value);
  const problem = envelopeProblem(value);
  if (problem !== undefined) return { ok: false, error: invalidRequest(value, problem) };
  return { ok: true, kind: 'single', message: value as JsonRpcMessage };
}

function parseBatch(members: unknown[]): ParseOutcome {
  if (members.length === 0) {
    // JSON-RPC 2.0 §6: an empty array gets a single Invalid Request response.
    return { ok: false, error: errorResponse(null, JsonRpcErrorCode.InvalidRequest, 'Invalid Request: empty batch') };
  }
  const messages: JsonRpcMessage[] = [];
  const errors: JsonRpcErrorResponse[] = [];
  for (const member of members) {
    const problem = envelopeProblem(member);
    if (problem === undefined) messages.push(member as JsonRpcMessage);
    else errors.push(invalidRequest(member, problem));
  }
  return { ok: true, kind: 'batch', messages, errors };
}

/** UTF-8 text without a leading byte order mark, or undefined when the bytes are not UTF-8. */
function decodeBody(body: Uint8Array | string): string | undefined {
  try {
    let text: string;
    if (typeof body === 'string') {
      text = body;
    } else if (body instanceof Uint8Array) {
      // RFC 8259 §8.1: JSON exchanged between systems is UTF-8. Decoding invalid bytes would
      // silently turn them into U+FFFD inside tool arguments; refusing them is the honest
      // answer. A fatal decoder validates while it decodes, as fast as Buffer#toString.
      text = UTF8.decode(body);
    } else {
      return undefined;
    }
    // RFC 8259 §8.1 lets a parser ignore a byte order mark; JSON.parse would reject it.
    return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  } catch {
    // Invalid UTF-8, or a body longer than the engine's maximum string length.
    return undefined;
  }
}

/**
 * Why `value` is not a valid JSON-RPC 2.0 message as MCP uses it, or undefined when it is.
 * Only envelope fields are looked at; unknown members are allowed and kept.
 */
function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'Invalid Request: a message must be a JSON object';
  }
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return 'Invalid Request: "jsonrpc" must be "2.0"';

  const method = message.method;
  if (method !== undefined) {
    if (typeof method !== 'string') return 'Invalid Request: "method" must be a string';
    if (message.result !== undefined || message.error !== undefined) {
      return 'Invalid Request: a request or notification must not carry "result" or "error"';
    }
    const params = message.params;
    if (params !== undefined && (typeof params !== 'object' || params === null)) {
      return 'Invalid Request: "params" must be an object or an array';
    }
    const id = message.id;
    if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
      // MCP (Base Protocol, Requests): "Unlike base JSON-RPC, the ID MUST NOT be null."
      return id === null ? 'Invalid Request: a request id must not be null' : 'Invalid Request: "id" must be a string or a number';
    }
    return undefined;
  }

  const hasResult = message.result !== undefined;
  const hasError = message.error !== undefined;
  if (hasResult === hasError) {
    return hasResult
      ? 'Invalid Request: a response must not carry both "result" and "error"'
      : 'Invalid Request: a message needs "method", "result" or "error"';
  }
  const id = message.id;
  if (hasResult) {
    if (typeof id !== 'string' && typeof id !== 'number') {
      return 'Invalid Request: a result response needs a string or number "id"';
    }
    const result = message.result;
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      return 'Invalid Request: "result" must be an object';
    }
    return undefined;
  }
  if (id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return 'Invalid Request: an error response needs a string, number or null "id"';
  }
  const error = message.error;
  if (typeof error !== 'object' || error === null || Array.isArray(error)) {
    return 'Invalid Request: "error" must be an object';
  }
  const { code, message: text } = error as Record<string, unknown>;
  if (!Number.isInteger(code)) return 'Invalid Request: "error.code" must be an integer';
  if (typeof text !== 'string') return 'Invalid Request: "error.message" must be a string';
  return undefined;
}

function invalidRequest(value: unknown, problem: string): JsonRpcErrorResponse {
  return errorResponse(recoverId(value), JsonRpcErrorCode.InvalidRequest, problem);
}

/** The message's id when it is a usable one, so the client can match the error to its request. */
function recoverId(value: unknown): JsonRpcId | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as Record<string, unknown>).id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
